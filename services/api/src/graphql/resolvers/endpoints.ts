import { createEndpoint, deleteEndpoint, getEndpoint, requireTenant, updateEndpoint } from '@acme/core';
import type { MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const endpointQueries: Pick<QueryResolvers, 'endpoint'> = {
  endpoint: (_, { id }, { principal, database }) => getEndpoint(database.db, requireTenant(principal, 'read').tenantId, id),
};

type JsonRecord = Record<string, string> | null | undefined;

export const endpointMutations: Pick<MutationResolvers, 'createEndpoint' | 'updateEndpoint' | 'deleteEndpoint'> = {
  createEndpoint: (_, { input }, { principal, database, config }) =>
    createEndpoint(database.db, config, requireTenant(principal, 'write').tenantId, {
      ...input,
      headers: input.headers as JsonRecord,
      metadata: input.metadata as JsonRecord,
    }),
  updateEndpoint: (_, { id, input }, { principal, database, config }) =>
    updateEndpoint(database.db, config, requireTenant(principal, 'write').tenantId, id, {
      ...input,
      url: input.url ?? undefined,
      status: input.status ?? undefined,
      headers: input.headers as JsonRecord,
      metadata: input.metadata as JsonRecord,
    }),
  deleteEndpoint: (_, { id }, { principal, database }) =>
    deleteEndpoint(database.db, requireTenant(principal, 'write').tenantId, id),
};
