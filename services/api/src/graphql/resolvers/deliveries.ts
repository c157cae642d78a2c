import {
  getDelivery,
  listDeadLetters,
  listDeliveries,
  loggedRequestHeaders,
  NotFoundError,
  nestedSlice,
  replayDeadLetters,
  replayDelivery,
  requireTenant,
  retryDeliveryNow,
} from '@acme/core';
import type {
  DeliveryAttemptResolvers,
  DeliveryResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../../generated/resolvers.ts';
import { toCountedConnection } from './connection.ts';

export const deliveryQueries: Pick<QueryResolvers, 'delivery' | 'deliveries' | 'deadLetters'> = {
  deliveries: async (_, args, { principal, database }) =>
    toCountedConnection(await listDeliveries(database.db, requireTenant(principal, 'read'), args)),
  delivery: (_, { id }, { principal, database }) => getDelivery(database.db, requireTenant(principal, 'read'), id),
  deadLetters: async (_, args, { principal, database }) =>
    toCountedConnection(await listDeadLetters(database.db, requireTenant(principal, 'read'), args)),
};

export const deliveryMutations: Pick<MutationResolvers, 'replayDelivery' | 'replayDeadLetters' | 'retryDeliveryNow'> = {
  retryDeliveryNow: async (_, { id }, { principal, database, handOver }) => {
    const delivery = await retryDeliveryNow(database.db, requireTenant(principal, 'write'), id);
    await handOver([delivery], 'retryNow');
    return delivery;
  },
  replayDelivery: async (_, { id }, { principal, database, handOver }) => {
    const delivery = await replayDelivery(database.db, requireTenant(principal, 'write'), id);
    await handOver([delivery], 'replay');
    return delivery;
  },
  replayDeadLetters: async (_, filter, { principal, database, handOver }) => {
    const { deliveries, remainingCount } = await replayDeadLetters(database.db, requireTenant(principal, 'write'), filter);
    await handOver(deliveries, 'replay');
    return { replayedCount: deliveries.length, deliveryIds: deliveries.map((d) => d.id), remainingCount };
  },
};

export const deliveryFields: DeliveryResolvers = {
  nextAttemptAt: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
  event: async (d, _, { loaders }) => (await loaders.event.load(d.eventId)) ?? missing('event'),
  endpoint: async (d, _, { loaders }) => (await loaders.endpoint.load(d.endpointId)) ?? missing('endpoint'),
  attempts: (d, args, { loaders }) => loaders.attempts.load({ id: d.id, ...nestedSlice(args) }),
  lastAttempt: (d, _, { loaders }) => loaders.lastAttempt.load(d.id),
};

export const deliveryAttemptFields: DeliveryAttemptResolvers = {
  // Rows logged before custom values were redacted at write time still hold them.
  requestHeaders: (a) => loggedRequestHeaders(a.requestHeaders),
  requestBody: async (a, _, { loaders }) => {
    const delivery = await loaders.delivery.load(a.deliveryId);
    return delivery ? loaders.requestBody.load(delivery.eventId) : null;
  },
};

function missing(what: string): never {
  throw new NotFoundError(`The delivery's ${what} no longer exists.`);
}
