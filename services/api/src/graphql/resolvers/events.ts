import { expungeEventPayload, getEvent, listEvents, publishEvent, publishEvents, requireTenant } from '@acme/core';
import type { EventResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';
import { toConnection } from './connection.ts';

export const eventQueries: Pick<QueryResolvers, 'event' | 'events'> = {
  events: async (_, args, { principal, database }) =>
    toConnection(await listEvents(database.db, requireTenant(principal, 'read'), args)),
  event: (_, { id }, { principal, database }) => getEvent(database.db, requireTenant(principal, 'read'), id),
};

export const eventMutations: Pick<MutationResolvers, 'publishEvent' | 'publishEvents' | 'expungeEventPayload'> = {
  publishEvent: (_, { input }, { principal, database, publishing }) =>
    publishEvent(database.db, publishing, requireTenant(principal, 'publish'), input),
  publishEvents: async (_, { input }, { principal, database, publishing }) =>
    publishEvents(database.db, publishing, requireTenant(principal, 'publish'), input.events),
  expungeEventPayload: (_, { id }, { principal, database }) =>
    expungeEventPayload(database.db, requireTenant(principal, 'manage'), id),
};

export const eventFields: EventResolvers = {
  deliveries: (event, _, { loaders }) => loaders.deliveriesOfEvent.load(event.id),
};
