import { createTenant, requireOperator } from '@acme/core';
import type { MutationResolvers } from '../../generated/resolvers.ts';

export const tenantMutations: Pick<MutationResolvers, 'createTenant'> = {
  createTenant: async (_, { input }, { principal, database }) => {
    requireOperator(principal);
    const { tenant, apiKey, token } = await createTenant(database.db, input);
    return { tenant, apiKey: { ...apiKey, scopes: apiKey.scopes as never, token } };
  },
};
