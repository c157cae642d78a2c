import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  getEndpointSecret,
  listEndpoints,
  mayAccess,
  requireTenant,
  retryEndpointNow,
  rotateEndpointSecret,
  sendTestEvent,
  type UpdateEndpointInput,
  updateEndpoint,
  visibleEndpointHeaders,
} from '@acme/core';
import type { EndpointResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import type { GraphQLContext } from '../context.ts';
import { toCountedConnection } from './connection.ts';

export const endpointQueries: Pick<QueryResolvers, 'endpoints' | 'endpoint' | 'endpointSecret'> = {
  endpoints: async (_, args, { principal, database }) =>
    toCountedConnection(await listEndpoints(database.db, requireTenant(principal, 'read'), args)),
  endpoint: (_, { id }, { principal, database }) => getEndpoint(database.db, requireTenant(principal, 'read'), id),
  // Reading a secret is a write-scope act: a read-only key must not be able to forge webhooks.
  endpointSecret: (_, { endpointId }, { principal, database, config }) =>
    getEndpointSecret(database.db, config, requireTenant(principal, 'write'), endpointId),
};

/** updateEndpoint, pauseEndpoint and resumeEndpoint are one operation; held retries go back to their workflow. */
async function changeEndpoint(
  { principal, database, config, handOver }: GraphQLContext,
  id: string,
  input: UpdateEndpointInput,
  action: 'updateEndpoint' | 'pauseEndpoint' | 'resumeEndpoint',
) {
  const { endpoint, resumed } = await updateEndpoint(database.db, config, requireTenant(principal, 'write'), id, input, {
    action,
  });
  await handOver(resumed, 'resume');
  return endpoint;
}

export const endpointMutations: Pick<
  MutationResolvers,
  | 'createEndpoint'
  | 'updateEndpoint'
  | 'deleteEndpoint'
  | 'pauseEndpoint'
  | 'resumeEndpoint'
  | 'rotateEndpointSecret'
  | 'retryEndpointNow'
  | 'sendTestEvent'
> = {
  createEndpoint: (_, { input }, { principal, database, config }) =>
    createEndpoint(database.db, config, requireTenant(principal, 'write'), input as never),
  updateEndpoint: (_, { id, input }, context) =>
    changeEndpoint(
      context,
      id,
      { ...input, url: input.url ?? undefined, status: input.status ?? undefined } as never,
      'updateEndpoint',
    ),
  pauseEndpoint: (_, { id }, context) => changeEndpoint(context, id, { status: 'PAUSED' }, 'pauseEndpoint'),
  resumeEndpoint: (_, { id }, context) => changeEndpoint(context, id, { status: 'ACTIVE' }, 'resumeEndpoint'),
  deleteEndpoint: (_, { id }, { principal, database }) => deleteEndpoint(database.db, requireTenant(principal, 'write'), id),
  rotateEndpointSecret: (_, { id, graceSeconds }, { principal, database, config }) =>
    rotateEndpointSecret(database.db, config, requireTenant(principal, 'write'), id, graceSeconds),
  retryEndpointNow: async (_, { endpointId }, { principal, database, handOver }) => {
    const due = await retryEndpointNow(database.db, requireTenant(principal, 'write'), endpointId);
    await handOver(due, 'retryNow');
    return due.length;
  },
  sendTestEvent: (_, { endpointId, eventType }, { principal, database, publishing }) =>
    sendTestEvent(database.db, publishing, requireTenant(principal, 'write'), endpointId, eventType),
};

export const endpointFields: EndpointResolvers = {
  headers: (endpoint, _, { principal }) => visibleEndpointHeaders(endpoint.headers, mayAccess(principal, 'write')),
  stats: (endpoint, args, { loaders }) => loaders.endpointStats.load({ endpointId: endpoint.id, ...args }),
};
