import { createApiKey, createPortalSession, listApiKeys, requireKeyAdmin, requireTenant, revokeApiKeyAs } from '@acme/core';
import type { ApiKeyResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const apiKeyQueries: Pick<QueryResolvers, 'apiKeys'> = {
  apiKeys: async (_, args, { principal, database }) =>
    toConnection(await listApiKeys(database.db, requireTenant(principal, 'tenant-read'), args)),
};

export const apiKeyMutations: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey' | 'createPortalSession'> = {
  createApiKey: (_, { input }, { principal, database }) =>
    createApiKey(database.db, requireKeyAdmin(principal, input.tenantId), input as never),
  revokeApiKey: (_, { id }, { principal, database }) => revokeApiKeyAs(database.db, principal, id),
  createPortalSession: (_, args, { principal, database, publicUrl }) =>
    createPortalSession(database.db, requireTenant(principal, 'manage'), publicUrl, args),
};

export const apiKeyFields: ApiKeyResolvers = {
  scopes: (key) => key.scopes as never,
};
