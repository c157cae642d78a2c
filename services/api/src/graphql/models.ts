import type { ApiKeyRecord, DeliveryStats, TotalCount } from '@acme/core';
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

/** A connection whose total is counted only when a query asks for `totalCount`. */
export interface CountedConnectionModel<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: () => Promise<TotalCount>;
}
export type EndpointConnectionModel = CountedConnectionModel<EndpointModel>;
export type EventConnectionModel = CountedConnectionModel<EventModel>;
export type DeliveryConnectionModel = CountedConnectionModel<DeliveryModel>;
