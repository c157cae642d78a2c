// Drizzle tables: the source of truth for the database. `npm run generate` turns changes here into
// SQL migrations under db/migrations (drizzle-kit), which every start applies.
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgPolicy,
  pgRole,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Row-Level Security, the second wall between tenants (the first is the tenant filter in every
 * core query). Tenant-scoped work runs as `acme_app` (no BYPASSRLS, not the owner) with the tenant
 * set per transaction (services/core/src/db/tenant-scope.ts); system work (dispatcher, workflows,
 * authentication, the operator) runs as the connecting role, which owns the tables and so bypasses
 * the policies. The role is created, and granted its privileges, by migrateDatabase: roles are
 * cluster-wide, and a plain CREATE ROLE would fail for the second database of a cluster.
 */
export const appRole = pgRole('acme_app').existing();
const currentTenant = sql`current_setting('acme.tenant_id', true)`;
const tenantIsolation = (column: 'tenant_id' | 'id' = 'tenant_id') => {
  const same = sql`${sql.identifier(column)} = ${currentTenant}`;
  return pgPolicy('tenant_isolation', { as: 'permissive', for: 'all', to: appRole, using: same, withCheck: same });
};

export const tenantStatus = pgEnum('tenant_status', ['ACTIVE', 'SUSPENDED']);
export const endpointStatus = pgEnum('endpoint_status', ['ACTIVE', 'PAUSED', 'DISABLED']);
export const endpointHealth = pgEnum('endpoint_health', ['HEALTHY', 'RECOVERING']);
export const deliveryStatus = pgEnum('delivery_status', ['PENDING', 'SUCCEEDED', 'DEAD_LETTERED', 'CANCELLED']);
/** Why the gateway cancelled a delivery (null: cancelled before reasons were kept, or by a 410 Gone answer). */
export const deliveryCancelReason = pgEnum('delivery_cancel_reason', [
  'PAYLOAD_EXPUNGED',
  'ENDPOINT_DISABLED',
  'ENDPOINT_DELETED',
]);
/** Who drives a pending delivery: the dispatcher (first attempt, fast path) or its endpoint's workflow. */
export const deliveryHandler = pgEnum('delivery_handler', ['DISPATCHER', 'WORKFLOW']);
export const attemptOutcome = pgEnum('attempt_outcome', [
  'SUCCESS',
  'HTTP_ERROR',
  'TIMEOUT',
  'CONNECTION_ERROR',
  'DNS_ERROR',
  'TLS_ERROR',
  'REDIRECT',
  'BLOCKED_DESTINATION',
]);
export const deliveryPath = pgEnum('delivery_path', ['FAST', 'DURABLE']);

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: tenantStatus('status').notNull().default('ACTIVE'),
    /** Overrides DELIVERY_RETRY_SCHEDULE for this tenant's endpoints; null = the gateway default. */
    retrySchedule: text('retry_schedule'),
    /** Publish token bucket: refill per second and size; null = the gateway default. */
    publishRatePerSecond: integer('publish_rate_per_second'),
    publishBurst: integer('publish_burst'),
    /** Largest accepted payload in bytes; null = the gateway default (256 KiB). */
    maxPayloadBytes: integer('max_payload_bytes'),
    /** One of the tenant's endpoints, which receives its operational events; null = none. */
    operationalEndpointId: text('operational_endpoint_id'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    suspendedAt: ts('suspended_at'),
  },
  () => [tenantIsolation('id')],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** First characters of the token, shown in listings so a key can be recognised. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the token, hex; the token itself is shown once and never stored. */
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    /** Portal sessions: the one consumer this key sees. */
    consumerId: text('consumer_id'),
    createdAt: createdAt(),
    /** Portal sessions always expire; other keys may. */
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_tenant_idx').on(t.tenantId), tenantIsolation()],
);

export const eventTypes = pgTable(
  'event_types',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    schema: jsonb('schema'),
    /** An example payload given by the tenant (else one is made from the schema). */
    example: jsonb('example'),
    archived: boolean('archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('event_types_tenant_name_idx').on(t.tenantId, t.name), tenantIsolation()],
);

export const endpoints = pgTable(
  'endpoints',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event type names this endpoint receives; empty = every type. */
    eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
    consumerId: text('consumer_id'),
    status: endpointStatus('status').notNull().default('ACTIVE'),
    disabledReason: text('disabled_reason'),
    health: endpointHealth('health').notNull().default('HEALTHY'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** Deliveries per second; null = unlimited. */
    rateLimit: integer('rate_limit'),
    /**
     * The rate limit's state, shared by every dispatcher and workflow: the theoretical arrival time
     * of the next attempt (GCRA). Attempts may start while it is less than a second ahead of now.
     */
    rateLimitTat: ts('rate_limit_tat'),
    timeoutMs: integer('timeout_ms'),
    retrySchedule: text('retry_schedule'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** Since when every attempt has failed (set at the first failure after a success); drives auto-disable. */
    failingSince: ts('failing_since'),
    /** Deleted endpoints are kept (their deliveries keep their attempt logs) but no longer listed or sent to. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('endpoints_tenant_idx').on(t.tenantId, t.id), tenantIsolation()],
);

export const endpointSecrets = pgTable(
  'endpoint_secrets',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    /** AES-256-GCM under SECRETS_MASTER_KEY: base64 of iv ‖ tag ‖ ciphertext. */
    ciphertext: text('ciphertext').notNull(),
    createdAt: createdAt(),
    /** Null for the current secret; set on rotation to the end of the grace period. */
    expiresAt: ts('expires_at'),
  },
  (t) => [index('endpoint_secrets_endpoint_idx').on(t.endpointId), tenantIsolation()],
);

export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    consumerId: text('consumer_id'),
    /** Null once expunged (on request, or by retention); the event and its delivery log stay. */
    payload: jsonb('payload'),
    payloadExpungedAt: ts('payload_expunged_at'),
    idempotencyKey: text('idempotency_key'),
    /** W3C traceparent of the publishing span, so every attempt joins the publisher's trace; null while tracing is off. */
    traceParent: text('trace_parent'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('events_tenant_idempotency_idx').on(t.tenantId, t.idempotencyKey),
    index('events_tenant_created_idx').on(t.tenantId, t.createdAt),
    // Retention walks the oldest payloads not yet expunged, across tenants.
    index('events_retention_idx').on(t.createdAt).where(sql`payload_expunged_at is null`),
    tenantIsolation(),
  ],
);

export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => endpoints.id, { onDelete: 'cascade' }),
    status: deliveryStatus('status').notNull().default('PENDING'),
    handler: deliveryHandler('handler').notNull().default('DISPATCHER'),
    /** False while a delivery handed to the workflow has not yet reached Temporal (the hand-off is retried). */
    handedOff: boolean('handed_off').notNull().default(false),
    /**
     * A first attempt a claim found it may not send (its endpoint paused or in recovery, its tenant
     * suspended): out of the dispatch index, so claims stop walking it, until the endpoint or tenant
     * can send again (releaseHeldDeliveries). See claim-first-attempts.ts.
     */
    held: boolean('held').notNull().default(false),
    attemptCount: integer('attempt_count').notNull().default(0),
    /** attempt_count when the delivery was last replayed: a replay starts the retry schedule afresh. */
    scheduleBase: integer('schedule_base').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** The dispatcher's claim: until it expires no other dispatcher takes the row, after it anyone may. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ts('lease_expires_at'),
    createdAt: createdAt(),
    completedAt: ts('completed_at'),
    cancelReason: deliveryCancelReason('cancel_reason'),
  },
  (t) => [
    index('deliveries_dispatch_idx').on(t.nextAttemptAt).where(sql`status = 'PENDING' and handler = 'DISPATCHER' and not held`),
    // Held first attempts by endpoint: what a resume, a recovery or a reactivation gives back.
    index('deliveries_held_idx').on(t.endpointId).where(sql`status = 'PENDING' and held`),
    index('deliveries_workflow_idx').on(t.endpointId, t.nextAttemptAt).where(sql`status = 'PENDING' and handler = 'WORKFLOW'`),
    index('deliveries_handoff_idx').on(t.endpointId).where(sql`status = 'PENDING' and handler = 'WORKFLOW' and not handed_off`),
    index('deliveries_event_idx').on(t.eventId),
    index('deliveries_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('deliveries_dead_letters_idx').on(t.tenantId, t.id).where(sql`status = 'DEAD_LETTERED'`),
    // Per-endpoint lists and stats (the portal's endpoint page).
    index('deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt),
    // An endpoint's undelivered deliveries: counted before disabling an endpoint that keeps failing.
    index('deliveries_endpoint_undelivered_idx')
      .on(t.endpointId, t.completedAt)
      .where(sql`status in ('PENDING', 'DEAD_LETTERED')`),
    tenantIsolation(),
  ],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    attemptNumber: integer('attempt_number').notNull(),
    path: deliveryPath('path').notNull(),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    /**
     * The URL dialled: the endpoint's URL at the time of the attempt. Rows from before this column had ''
     * until the data migration backfillAttemptUrls (services/core/src/db/data-migrations.ts).
     */
    url: text('url').notNull(),
    requestHeaders: jsonb('request_headers').$type<Record<string, string>>().notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    responseBody: text('response_body'),
    outcome: attemptOutcome('outcome').notNull(),
    error: text('error'),
    hint: text('hint'),
  },
  (t) => [
    uniqueIndex('delivery_attempts_number_idx').on(t.deliveryId, t.attemptNumber),
    // Retention deletes the oldest attempts first, across tenants.
    index('delivery_attempts_started_idx').on(t.startedAt),
    // Latency stats over a tenant's time window.
    index('delivery_attempts_tenant_started_idx').on(t.tenantId, t.startedAt),
    tenantIsolation(),
  ],
);

export const operationalEventType = pgEnum('operational_event_type', [
  'ENDPOINT_DISABLED',
  'ENDPOINT_RECOVERED',
  'DELIVERY_DEAD_LETTERED',
]);

/** What the gateway did on its own, for the tenant to read (and receive, at its operational endpoint). */
export const operationalEvents = pgTable(
  'operational_events',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    type: operationalEventType('type').notNull(),
    endpointId: text('endpoint_id'),
    deliveryId: text('delivery_id'),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('operational_events_tenant_idx').on(t.tenantId, t.id), tenantIsolation()],
);

export const auditActorKind = pgEnum('audit_actor_kind', ['OPERATOR', 'API_KEY', 'PORTAL_SESSION']);

/** Every mutation: who, what, when. Written in the mutation's own transaction. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    actorKind: auditActorKind('actor_kind').notNull(),
    apiKeyId: text('api_key_id'),
    action: text('action').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_tenant_idx').on(t.tenantId, t.id), tenantIsolation()],
);

/**
 * Data migrations applied (services/core/src/db/data-migrations.ts): changes to rows that SQL generated
 * from this file cannot express, run once each, after the schema migrations, under the same lock.
 */
export const dataMigrations = pgTable('data_migrations', {
  name: text('name').primaryKey(),
  appliedAt: timestamp('applied_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
