import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  getEndpointSecret,
  requireTenant,
  retryEndpointNow,
  rotateEndpointSecret,
  updateEndpoint,
} from '@acme/core';
import type { MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const endpointQueries: Pick<QueryResolvers, 'endpoint' | 'endpointSecret'> = {
  endpoint: (_, { id }, { principal, database }) => getEndpoint(database.db, requireTenant(principal, 'read').tenantId, id),
  // Reading a secret is a write-scope act: a read-only key must not be able to forge webhooks.
  endpointSecret: (_, { endpointId }, { principal, database, config }) =>
    getEndpointSecret(database.db, config, requireTenant(principal, 'write').tenantId, endpointId),
};

type JsonRecord = Record<string, string> | null | undefined;

export const endpointMutations: Pick<
  MutationResolvers,
  'createEndpoint' | 'updateEndpoint' | 'deleteEndpoint' | 'rotateEndpointSecret' | 'retryEndpointNow'
> = {
  rotateEndpointSecret: (_, { id, graceSeconds }, { principal, database, config }) =>
    rotateEndpointSecret(database.db, config, requireTenant(principal, 'write').tenantId, id, graceSeconds),
  retryEndpointNow: async (_, { endpointId }, { principal, database, handOver }) => {
    const due = await retryEndpointNow(database.db, requireTenant(principal, 'write').tenantId, endpointId);
    await handOver(due, 'retryNow');
    return due.length;
  },
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
