import {
  createApiKey,
  createPortalSession,
  ForbiddenError,
  InvalidInputError,
  listApiKeys,
  operatorCaller,
  type Principal,
  requireTenant,
  revokeApiKey,
  revokeApiKeyAsOperator,
  UnauthenticatedError,
} from '@acme/core';
import type { ApiKeyResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const apiKeyQueries: Pick<QueryResolvers, 'apiKeys'> = {
  apiKeys: async (_, args, { principal, database }) =>
    toConnection(await listApiKeys(database.db, requireTenant(principal, 'tenant-read'), args)),
};

/** The operator names the tenant; a tenant key may only name its own. */
function keyCaller(principal: Principal | null, tenantId: string | null | undefined) {
  if (principal?.kind === 'operator') {
    if (!tenantId) throw new InvalidInputError('The operator must say which tenant the key is for.', { field: 'tenantId' });
    return operatorCaller(tenantId);
  }
  if (!principal) throw new UnauthenticatedError('An API key is required: send Authorization: Bearer <key>.');
  const caller = requireTenant(principal, 'manage');
  if (tenantId && tenantId !== caller.tenantId)
    throw new ForbiddenError('A tenant key creates keys for its own tenant only.', { field: 'tenantId' });
  return caller;
}

export const apiKeyMutations: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey' | 'createPortalSession'> = {
  createApiKey: (_, { input }, { principal, database }) =>
    createApiKey(database.db, keyCaller(principal, input.tenantId), input as never),
  revokeApiKey: (_, { id }, { principal, database }) =>
    principal?.kind === 'operator'
      ? revokeApiKeyAsOperator(database.db, id)
      : revokeApiKey(database.db, requireTenant(principal, 'manage'), id),
  createPortalSession: (_, args, { principal, database, publicUrl }) =>
    createPortalSession(database.db, requireTenant(principal, 'manage'), publicUrl, args),
};

export const apiKeyFields: ApiKeyResolvers = {
  scopes: (key) => key.scopes as never,
};
