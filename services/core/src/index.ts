// The domain: everything the transports (GraphQL, REST) and the worker call. No HTTP server,
// GraphQL or Temporal imports here; `npm run lint` enforces it.
export { authenticate } from './auth/authenticate.ts';
export { parseBearer } from './auth/parse-bearer.ts';
export { type Access, type Principal, requireOperator, requireTenant, type TenantPrincipal } from './auth/principal.ts';
export { type Config, loadConfig, loadDotEnv } from './config.ts';
export { connectDatabase, type Database, type Db } from './db/client.ts';
export { migrateDatabase } from './db/migrate.ts';
export { getDelivery, listDeliveryAttempts } from './deliveries/get-delivery.ts';
export { listDeadLetters } from './deliveries/list-dead-letters.ts';
export { replayDeadLetters, replayDelivery } from './deliveries/replay-deliveries.ts';
export { retryDeliveryNow, retryEndpointNow } from './deliveries/retry-now.ts';
export { attemptDeliveries, type DeliveryPath, sendDelivery, signingSecretsFor } from './delivery/attempt-deliveries.ts';
export { claimFirstAttempts } from './delivery/claim-first-attempts.ts';
export { createDeliveryEngine, type DeliveryEngine } from './delivery/delivery-engine.ts';
export type { DueDelivery } from './delivery/due-delivery.ts';
export { loadDueRetries } from './delivery/due-retries.ts';
export { deliveriesAwaitingHandoff, markHandedOff } from './delivery/handoff.ts';
export { planRetries } from './delivery/plan-retries.ts';
export { takeDeliveryTokens } from './delivery/rate-limit.ts';
export { type AttemptOutcomeRecord, recordAttempts, type SentAttempt } from './delivery/record-attempts.ts';
export { sendDueRetries } from './delivery/send-due-retries.ts';
export { createEndpoint } from './endpoints/create-endpoint.ts';
export { deleteEndpoint } from './endpoints/delete-endpoint.ts';
export { getEndpoint } from './endpoints/get-endpoint.ts';
export { getEndpointSecret, rotateEndpointSecret } from './endpoints/rotate-endpoint-secret.ts';
export { updateEndpoint } from './endpoints/update-endpoint.ts';
export * from './errors.ts';
export { createEventType } from './event-types/create-event-type.ts';
export { getEvent } from './events/get-event.ts';
export { DELIVERIES_CHANNEL, endpointNotice, parseEndpointNotice, publishEvent } from './events/publish-event.ts';
export { createLogger, type Logger } from './logger.ts';
export { createDeliveryMetrics, createRegistry, type DeliveryMetrics, registerBacklogGauges } from './metrics.ts';
export {
  isOperationalEventType,
  OPERATIONAL_WEBHOOK_TYPES,
  type OperationalEventInput,
  type OperationalEventType,
  recordOperationalEvents,
} from './operational-events/record-operational-events.ts';
export { cursorOf, type Page, type PageArgs } from './pagination/cursor.ts';
export { createTenant } from './tenants/create-tenant.ts';
