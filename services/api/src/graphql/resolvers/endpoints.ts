import { createEndpoint, getEndpoint, requireTenant } from '@acme/core';
import type { MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const endpointQueries: Pick<QueryResolvers, 'endpoint'> = {
  endpoint: (_, { id }, { principal, database }) => getEndpoint(database.db, requireTenant(principal, 'read').tenantId, id),
};

export const endpointMutations: Pick<MutationResolvers, 'createEndpoint'> = {
  createEndpoint: (_, { input }, { principal, database, config }) =>
    createEndpoint(database.db, config, requireTenant(principal, 'write').tenantId, {
      ...input,
      headers: input.headers as Record<string, string> | null | undefined,
      metadata: input.metadata as Record<string, string> | null | undefined,
    }),
};
