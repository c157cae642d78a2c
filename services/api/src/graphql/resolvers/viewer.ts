import { callerOf, getApiKey, getOwnTenant, UnauthenticatedError } from '@acme/core';
import type { QueryResolvers } from '../../generated/resolvers.ts';

export const viewerQueries: Pick<QueryResolvers, 'viewer'> = {
  viewer: async (_, __, { principal, database }) => {
    if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
    if (principal.kind === 'operator') return { isOperator: true, tenant: null, apiKey: null, scopes: [], consumerId: null };
    const caller = callerOf(principal);
    const [tenant, apiKey] = await Promise.all([
      getOwnTenant(database.db, caller),
      getApiKey(database.db, caller, principal.apiKeyId),
    ]);
    return { isOperator: false, tenant, apiKey, scopes: [...principal.scopes], consumerId: caller.consumerId };
  },
};
