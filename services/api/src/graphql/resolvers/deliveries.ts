import {
  cursorOf,
  getDelivery,
  getEndpoint,
  getEvent,
  listDeadLetters,
  listDeliveryAttempts,
  NotFoundError,
  replayDeadLetters,
  replayDelivery,
  requireTenant,
  retryDeliveryNow,
} from '@acme/core';
import type { DeliveryResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const deliveryQueries: Pick<QueryResolvers, 'delivery' | 'deadLetters'> = {
  delivery: (_, { id }, { principal, database }) => getDelivery(database.db, requireTenant(principal, 'read').tenantId, id),
  deadLetters: async (_, args, { principal, database }) => {
    const page = await listDeadLetters(database.db, requireTenant(principal, 'read').tenantId, args);
    return {
      edges: page.nodes.map((node) => ({ node, cursor: cursorOf(node.id) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  },
};

export const deliveryMutations: Pick<MutationResolvers, 'replayDelivery' | 'replayDeadLetters' | 'retryDeliveryNow'> = {
  retryDeliveryNow: async (_, { id }, { principal, database, handOver }) => {
    const delivery = await retryDeliveryNow(database.db, requireTenant(principal, 'write').tenantId, id);
    await handOver([delivery], 'retryNow');
    return delivery;
  },
  replayDelivery: async (_, { id }, { principal, database, handOver }) => {
    const delivery = await replayDelivery(database.db, requireTenant(principal, 'write').tenantId, id);
    await handOver([delivery], 'replay');
    return delivery;
  },
  replayDeadLetters: async (_, { endpointId, since }, { principal, database, handOver }) => {
    const { deliveries } = await replayDeadLetters(database.db, requireTenant(principal, 'write').tenantId, {
      endpointId,
      since,
    });
    await handOver(deliveries, 'replay');
    return { replayedCount: deliveries.length };
  },
};

export const deliveryFields: DeliveryResolvers = {
  nextAttemptAt: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
  event: async (d, _, { database }) => (await getEvent(database.db, d.tenantId, d.eventId)) ?? missing('event'),
  endpoint: async (d, _, { database }) =>
    (await getEndpoint(database.db, d.tenantId, d.endpointId, { includeDeleted: true })) ?? missing('endpoint'),
  attempts: (d, _, { database }) => listDeliveryAttempts(database.db, d.tenantId, d.id),
};

function missing(what: string): never {
  throw new NotFoundError(`The delivery's ${what} no longer exists.`);
}
