// The domain: everything the transports (GraphQL, REST) and the worker call. No HTTP server,
// GraphQL or Temporal imports here; `npm run lint` enforces it.
export { authenticate } from './auth/authenticate.ts';
export { parseBearer } from './auth/parse-bearer.ts';
export { type Access, type Principal, requireOperator, requireTenant, type TenantPrincipal } from './auth/principal.ts';
export { type Config, loadConfig, loadDotEnv } from './config.ts';
export { connectDatabase, type Database, type Db } from './db/client.ts';
export { migrateDatabase } from './db/migrate.ts';
export { getDelivery, listDeliveryAttempts } from './deliveries/get-delivery.ts';
export { attemptDeliveries, type DeliveryPath, sendDelivery, signingSecretsFor } from './delivery/attempt-deliveries.ts';
export { claimFirstAttempts } from './delivery/claim-first-attempts.ts';
export { createDeliveryEngine, type DeliveryEngine } from './delivery/delivery-engine.ts';
export type { DueDelivery } from './delivery/due-delivery.ts';
export { loadDueRetries } from './delivery/due-retries.ts';
export { deliveriesAwaitingHandoff, markHandedOff } from './delivery/handoff.ts';
export { planRetries } from './delivery/plan-retries.ts';
export { type AttemptOutcomeRecord, recordAttempts, type SentAttempt } from './delivery/record-attempts.ts';
export { createEndpoint } from './endpoints/create-endpoint.ts';
export { getEndpoint } from './endpoints/get-endpoint.ts';
export * from './errors.ts';
export { createEventType } from './event-types/create-event-type.ts';
export { getEvent } from './events/get-event.ts';
export { DELIVERIES_CHANNEL, publishEvent } from './events/publish-event.ts';
export { createLogger, type Logger } from './logger.ts';
export { createTenant } from './tenants/create-tenant.ts';
