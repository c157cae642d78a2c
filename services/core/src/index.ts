// The domain: everything the transports (GraphQL, REST) and the worker call. No HTTP server,
// GraphQL or Temporal imports here; `npm run lint` enforces it.
export type { ApiKeyRecord } from './api-keys/api-key-columns.ts';
export { createApiKey } from './api-keys/create-api-key.ts';
export { createPortalSession, PORTAL_SESSION_TTL } from './api-keys/create-portal-session.ts';
export { getApiKey, getApiKeys, listApiKeys } from './api-keys/list-api-keys.ts';
export { revokeApiKey, revokeApiKeyAs } from './api-keys/revoke-api-key.ts';
export { AUDIT_ACTIONS, type AuditAction } from './audit/audit-actions.ts';
export { type AuditLogFilter, listAuditLog } from './audit/list-audit-log.ts';
export { auditDetails } from './audit/record-audit.ts';
export { authenticate } from './auth/authenticate.ts';
export { parseBearer } from './auth/parse-bearer.ts';
export {
  type Access,
  API_KEY_SCOPES,
  type ApiKeyScope,
  callerOf,
  mayAccess,
  operatorCaller,
  type Principal,
  requireKeyAdmin,
  requireOperator,
  requireTenant,
  type TenantCaller,
  type TenantPrincipal,
} from './auth/principal.ts';
export {
  type Config,
  ConfigError,
  loadConfig,
  loadDotEnv,
  MAX_PAYLOAD_CEILING,
  SETTING_NAMES,
  type TracingOptions,
} from './config.ts';
export { connectDatabase, type Database, type Db } from './db/client.ts';
export { isClosedSocketWriteError, surviveClosedSocketWrites } from './db/closed-socket-write.ts';
export { type DataMigration, type MigrationLog, runDataMigrations } from './db/data-migrations.ts';
export { migrateDatabase, pendingMigrations } from './db/migrate.ts';
export { inTenant } from './db/tenant-scope.ts';
export { attemptRequestBody } from './deliveries/attempt-request-body.ts';
export {
  attemptsOfDeliveries,
  DEFAULT_NESTED_LIST,
  deliveriesOfEvents,
  getDeliveries,
  getDelivery,
  lastAttemptsOf,
  MAX_NESTED_LIST,
  type NestedSlice,
  nestedSlice,
} from './deliveries/get-delivery.ts';
export { type DeadLetterFilter, listDeadLetters } from './deliveries/list-dead-letters.ts';
export { type DeliveryFilter, listDeliveries, MAX_FILTER_IDS } from './deliveries/list-deliveries.ts';
export { replayDeadLetters, replayDelivery } from './deliveries/replay-deliveries.ts';
export { retryDeliveryNow, retryEndpointNow } from './deliveries/retry-now.ts';
export {
  attemptDeliveries,
  type DeliveryPath,
  openSecretsByEndpoint,
  sendDelivery,
} from './delivery/attempt-deliveries.ts';
export { CLAIM_SESSION_SETTINGS, claimFirstAttempts } from './delivery/claim-first-attempts.ts';
export { createDeliveryEngine, type DeliveryEngine } from './delivery/delivery-engine.ts';
export { DispatcherLiveness } from './delivery/dispatcher-liveness.ts';
export type { DueDelivery } from './delivery/due-delivery.ts';
export { loadDueRetries } from './delivery/due-retries.ts';
export { deliveriesAwaitingHandoff, endpointsWithOverdueRetries, markHandedOff } from './delivery/handoff.ts';
export { planRetries } from './delivery/plan-retries.ts';
export { takeDeliveryTokens } from './delivery/rate-limit.ts';
export { type AttemptOutcomeRecord, recordAttempts, type SentAttempt } from './delivery/record-attempts.ts';
export { releaseClaims } from './delivery/release-claims.ts';
export { sendDueRetries } from './delivery/send-due-retries.ts';
export { loggedRequestHeaders, webhookBody } from './delivery/webhook-request.ts';
export { createEndpoint } from './endpoints/create-endpoint.ts';
export { deleteEndpoint } from './endpoints/delete-endpoint.ts';
export { getEndpoint, getEndpoints } from './endpoints/get-endpoint.ts';
export { type EndpointFilter, listEndpoints } from './endpoints/list-endpoints.ts';
export { type ReencryptProgress, reencryptEndpointSecrets } from './endpoints/reencrypt-secrets.ts';
export { getEndpointSecret, rotateEndpointSecret } from './endpoints/rotate-endpoint-secret.ts';
export { sendTestEvent } from './endpoints/send-test-event.ts';
export { type UpdateEndpointInput, updateEndpoint } from './endpoints/update-endpoint.ts';
export { visibleEndpointHeaders } from './endpoints/visible-endpoint-headers.ts';
export * from './errors.ts';
export { archiveEventType, unarchiveEventType } from './event-types/archive-event-type.ts';
export { createEventType } from './event-types/create-event-type.ts';
export { examplePayload, TEST_EVENT_TYPE } from './event-types/example-payload.ts';
export { getEventType, listEventTypes } from './event-types/list-event-types.ts';
export { updateEventType } from './event-types/update-event-type.ts';
export { expungeEventPayload } from './events/expunge-event-payload.ts';
export { getEvent, getEvents } from './events/get-event.ts';
export { type EventFilter, listEvents } from './events/list-events.ts';
export {
  DELIVERIES_CHANNEL,
  MAX_BATCH,
  type PublishEventInput,
  type Published,
  type PublishSettings,
  publishEvent,
  publishEvents,
} from './events/publish-event.ts';
export { PublishRateLimiter } from './events/publish-rate-limiter.ts';
export { endpointNotice, parseEndpointNotice } from './events/wake-dispatchers.ts';
export { createLogger, type Logger } from './logger.ts';
export { createDeliveryMetrics, createRegistry, type DeliveryMetrics, registerBacklogGauges } from './metrics.ts';
export { listOperationalEvents, type OperationalEventFilter } from './operational-events/list-operational-events.ts';
export {
  isOperationalEventType,
  OPERATIONAL_WEBHOOK_TYPES,
  type OperationalEventInput,
  type OperationalEventType,
  recordOperationalEvents,
} from './operational-events/record-operational-events.ts';
export { cursorOf, type Page, type PageArgs } from './pagination/cursor.ts';
export { COUNT_CAP, type CountedPage, type TotalCount } from './pagination/total-count.ts';
export { deleteExpiredData, type RetentionProgress } from './retention/delete-expired-data.ts';
export { settledBy } from './settled-by.ts';
export {
  type DeliveryStats,
  deliveryStats,
  endpointStats,
  MAX_BUCKETS,
  type StatsArgs,
  type StatsBucket,
} from './stats/delivery-stats.ts';
export { createTenant } from './tenants/create-tenant.ts';
export { getOwnTenant } from './tenants/get-own-tenant.ts';
export { getTenant, listTenants, type TenantFilter } from './tenants/list-tenants.ts';
export { reactivateTenant, suspendTenant } from './tenants/suspend-tenant.ts';
export { effectiveLimits, type TenantLimits } from './tenants/tenant-limits.ts';
export { updateTenant } from './tenants/update-tenant.ts';
export { updateTenantSettings } from './tenants/update-tenant-settings.ts';
export {
  activeTraceIds,
  contextFromTraceparent,
  endSpan,
  parseTraceparent,
  TRACER_NAME,
  traceparentOf,
  tracer,
} from './tracing.ts';
