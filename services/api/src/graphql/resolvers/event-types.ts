import {
  archiveEventType,
  createEventType,
  examplePayload,
  getEventType,
  listEventTypes,
  requireTenant,
  unarchiveEventType,
  updateEventType,
} from '@acme/core';
import type { EventTypeResolvers, MutationResolvers, QueryResolvers } from '../../generated/resolvers.ts';

export const eventTypeQueries: Pick<QueryResolvers, 'eventTypes' | 'eventType'> = {
  eventTypes: (_, args, { principal, database }) => listEventTypes(database.db, requireTenant(principal, 'read'), args),
  eventType: (_, { name }, { principal, database }) => getEventType(database.db, requireTenant(principal, 'read'), name),
};

export const eventTypeMutations: Pick<
  MutationResolvers,
  'createEventType' | 'updateEventType' | 'archiveEventType' | 'unarchiveEventType'
> = {
  createEventType: (_, { input }, { principal, database }) =>
    createEventType(database.db, requireTenant(principal, 'manage'), input),
  updateEventType: (_, { name, input }, { principal, database }) =>
    updateEventType(database.db, requireTenant(principal, 'manage'), name, input),
  archiveEventType: (_, { name }, { principal, database }) =>
    archiveEventType(database.db, requireTenant(principal, 'manage'), name),
  unarchiveEventType: (_, { name }, { principal, database }) =>
    unarchiveEventType(database.db, requireTenant(principal, 'manage'), name),
};

export const eventTypeFields: EventTypeResolvers = {
  example: (type) => examplePayload(type),
};
