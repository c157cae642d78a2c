import {
  DEFAULT_NESTED_LIST,
  expungeEventPayload,
  getEvent,
  listEvents,
  nestedSlice,
  type Published,
  publishEvent,
  publishEvents,
  requireTenant,
} from '@acme/core';
import type { EventResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import type { Loaders } from '../loaders.ts';
import { toCountedConnection } from './connection.ts';

export const eventQueries: Pick<QueryResolvers, 'event' | 'events'> = {
  events: async (_, args, { principal, database }) =>
    toCountedConnection(await listEvents(database.db, requireTenant(principal, 'read'), args)),
  event: (_, { id }, { principal, database }) => getEvent(database.db, requireTenant(principal, 'read'), id),
};

export const eventMutations: Pick<MutationResolvers, 'publishEvent' | 'publishEvents' | 'expungeEventPayload'> = {
  publishEvent: async (_, { input }, { principal, database, publishing, loaders }) => {
    const result = await publishEvent(database.db, publishing, requireTenant(principal, 'publish'), input);
    primePublished(loaders, [result]);
    return result;
  },
  publishEvents: async (_, { input }, { principal, database, publishing, loaders }) => {
    const published = await publishEvents(database.db, publishing, requireTenant(principal, 'publish'), input.events);
    primePublished(loaders, published.results);
    return published;
  },
  expungeEventPayload: (_, { id }, { principal, database }) =>
    expungeEventPayload(database.db, requireTenant(principal, 'manage'), id),
};

/**
 * Publishing is the hot path: what it just wrote need not be read back. Each delivery's `event` is
 * the published event, and a delivery created now has no attempt yet (answering as of the commit,
 * consistently with its PENDING status). Idempotent repeats may have attempts: those are loaded.
 */
function primePublished(loaders: Loaders, results: readonly Published[]) {
  for (const { event, deliveries, duplicate } of results) {
    loaders.event.prime(event.id, event);
    // What a query asks without first/after: the first page, which is all a new event's deliveries.
    if (deliveries.length <= DEFAULT_NESTED_LIST)
      loaders.deliveriesOfEvent.prime({ id: event.id, ...nestedSlice({}) }, deliveries);
    if (!duplicate) for (const delivery of deliveries) loaders.lastAttempt.prime(delivery.id, null);
  }
}

export const eventFields: EventResolvers = {
  deliveries: (event, args, { loaders }) => loaders.deliveriesOfEvent.load({ id: event.id, ...nestedSlice(args) }),
};
