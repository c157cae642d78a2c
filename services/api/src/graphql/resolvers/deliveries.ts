import { getDelivery, getEndpoint, getEvent, listDeliveryAttempts, NotFoundError, requireTenant } from '@acme/core';
import type { DeliveryResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const deliveryQueries: Pick<QueryResolvers, 'delivery'> = {
  delivery: (_, { id }, { principal, database }) => getDelivery(database.db, requireTenant(principal, 'read').tenantId, id),
};

export const deliveryFields: DeliveryResolvers = {
  nextAttemptAt: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
  event: async (d, _, { database }) => (await getEvent(database.db, d.tenantId, d.eventId)) ?? missing('event'),
  endpoint: async (d, _, { database }) => (await getEndpoint(database.db, d.tenantId, d.endpointId)) ?? missing('endpoint'),
  attempts: (d, _, { database }) => listDeliveryAttempts(database.db, d.tenantId, d.id),
};

function missing(what: string): never {
  throw new NotFoundError(`The delivery's ${what} no longer exists.`);
}
