import type { ApiKeyRecord, DeliveryStats } from '@acme/core';
import type {
  auditLog,
  deliveries,
  deliveryAttempts,
  endpoints,
  events,
  eventTypes,
  operationalEvents,
  tenants,
} from '@acme/schema/db';

// The database rows resolvers return; field resolvers turn them into the GraphQL shape.
export type TenantModel = typeof tenants.$inferSelect;
export type EndpointModel = typeof endpoints.$inferSelect;
export type EventModel = typeof events.$inferSelect;
export type DeliveryModel = typeof deliveries.$inferSelect;
export type DeliveryAttemptModel = typeof deliveryAttempts.$inferSelect;
export type EventTypeModel = typeof eventTypes.$inferSelect;
export type ApiKeyModel = ApiKeyRecord;
export type AuditLogEntryModel = typeof auditLog.$inferSelect;
export type OperationalEventModel = typeof operationalEvents.$inferSelect;
export type DeliveryStatsModel = DeliveryStats;
