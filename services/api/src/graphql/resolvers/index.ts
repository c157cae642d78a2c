import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Resolvers } from '../../generated/resolvers.ts';
import { apiKeyFields, apiKeyMutations, apiKeyQueries } from './api-keys.ts';
import { countedConnectionFields } from './connection.ts';
import { deliveryAttemptFields, deliveryFields, deliveryMutations, deliveryQueries } from './deliveries.ts';
import { endpointFields, endpointMutations, endpointQueries } from './endpoints.ts';
import { eventTypeFields, eventTypeMutations, eventTypeQueries } from './event-types.ts';
import { eventFields, eventMutations, eventQueries } from './events.ts';
import { auditLogEntryFields, insightQueries } from './stats.ts';
import { tenantFields, tenantMutations, tenantQueries } from './tenants.ts';
import { viewerQueries } from './viewer.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: {
    ...viewerQueries,
    ...tenantQueries,
    ...apiKeyQueries,
    ...eventTypeQueries,
    ...endpointQueries,
    ...eventQueries,
    ...deliveryQueries,
    ...insightQueries,
  },
  Mutation: {
    ...tenantMutations,
    ...apiKeyMutations,
    ...eventTypeMutations,
    ...endpointMutations,
    ...eventMutations,
    ...deliveryMutations,
  },
  Tenant: tenantFields,
  ApiKey: apiKeyFields,
  AuditLogEntry: auditLogEntryFields,
  EventType: eventTypeFields,
  Endpoint: endpointFields,
  Event: eventFields,
  Delivery: deliveryFields,
  DeliveryAttempt: deliveryAttemptFields,
  EndpointConnection: countedConnectionFields,
  EventConnection: countedConnectionFields,
  DeliveryConnection: countedConnectionFields,
};
