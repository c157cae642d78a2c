import type { deliveries, deliveryAttempts, endpoints, events, eventTypes, tenants } from '@acme/schema/db';

// The database rows resolvers return; field resolvers turn them into the GraphQL shape.
export type TenantModel = typeof tenants.$inferSelect;
export type EndpointModel = typeof endpoints.$inferSelect;
export type EventModel = typeof events.$inferSelect;
export type DeliveryModel = typeof deliveries.$inferSelect;
export type DeliveryAttemptModel = typeof deliveryAttempts.$inferSelect;
export type EventTypeModel = typeof eventTypes.$inferSelect;
