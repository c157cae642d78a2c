// Factories for core tests against the real Postgres of the test run (see test/support/global-setup.ts).
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { Registry } from 'prom-client';
import { inject } from 'vitest';
import { callerOf, NO_LIMIT_OVERRIDES, type TenantCaller } from '../auth/principal.ts';
import { connectDatabase, type Database } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { parseCidrList } from '../delivery/cidr.ts';
import { createDeliveryClient } from '../delivery/delivery-client.ts';
import type { DeliveryEngine } from '../delivery/delivery-engine.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import type { AttemptResult } from '../delivery/send-attempt.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { type PublishSettings, publishEvent } from '../events/publish-event.ts';
import { PublishRateLimiter } from '../events/publish-rate-limiter.ts';
import { createDeliveryMetrics } from '../metrics.ts';
import { createTenant } from '../tenants/create-tenant.ts';

export const testSettings = {
  privateDestinationsAllowed: parseCidrList('127.0.0.0/8,::1/128'),
  secretsMasterKey: { current: randomBytes(32) },
};

/** Publishing with the gateway defaults and a bucket of its own, so tests never wait on the rate limit. */
const TEST_RETRY_SCHEDULE = parseRetrySchedule('0s,1s,1s');

export function testPublishSettings(): PublishSettings {
  return {
    rateLimiter: new PublishRateLimiter(),
    defaults: { publishRatePerSecond: 1_000_000, publishBurst: 1_000_000, maxPayloadBytes: 256 * 1024 },
    defaultRetrySchedule: TEST_RETRY_SCHEDULE,
  };
}

export function testDatabase(): Database {
  return connectDatabase(inject('databaseUrl'), { max: 4 });
}

/** The delivery engine both paths share, over `database`, with test-sized settings. */
export function testEngine(database: Database, overrides: Partial<DeliveryEngine> = {}): DeliveryEngine {
  return {
    database,
    client: createDeliveryClient({ privateDestinationsAllowed: testSettings.privateDestinationsAllowed, connectTimeoutMs: 1000 }),
    secretsMasterKey: testSettings.secretsMasterKey,
    defaultRetrySchedule: TEST_RETRY_SCHEDULE,
    timeoutMs: 2000,
    responseBodyBytes: 4096,
    perEndpointConcurrency: 20,
    autoDisable: { afterMs: 5 * 86_400_000, minFailedDeliveries: 20 },
    metrics: createDeliveryMetrics(new Registry()),
    ...overrides,
  };
}

/** The tenant's full-access key acting, as the API would pass it to core. */
export function fullAccess(tenantId: string, apiKeyId = 'key_test'): TenantCaller {
  return callerOf({
    kind: 'tenant',
    tenantId,
    apiKeyId,
    scopes: ['FULL_ACCESS'],
    consumerId: null,
    limits: NO_LIMIT_OVERRIDES,
  });
}

/** A portal session of one consumer acting. */
export function portalSession(tenantId: string, consumerId: string, apiKeyId = 'key_portal'): TenantCaller {
  return callerOf({ kind: 'tenant', tenantId, apiKeyId, scopes: ['PORTAL'], consumerId, limits: NO_LIMIT_OVERRIDES });
}

/** A tenant with event type `invoice.paid` and `endpoints` endpoints pointing at `url`. */
export async function tenantWithEndpoints(database: Database, endpoints = 1, url = 'http://127.0.0.1:9/hook') {
  const { tenant, apiKey } = await createTenant(database.db, { name: 'fixture' });
  const caller = fullAccess(tenant.id, apiKey.id);
  await createEventType(database.db, caller, { name: 'invoice.paid' });
  const created = [];
  for (let i = 0; i < endpoints; i++) created.push((await createEndpoint(database.db, testSettings, caller, { url })).endpoint);
  return { tenant, endpoints: created, caller };
}

const publishing = testPublishSettings();

export async function publishMany(database: Database, tenantId: string, count: number) {
  const results = [];
  for (let i = 0; i < count; i++) {
    results.push(
      await publishEvent(database.db, publishing, fullAccess(tenantId), { eventType: 'invoice.paid', payload: { i } }),
    );
  }
  return results;
}

/** A fresh, migrated database of its own, for operations that look at every row (not just one tenant's). */
export async function isolatedTestDatabase(): Promise<Database> {
  const name = `test_${randomBytes(12).toString('hex')}`;
  const admin = connectDatabase(inject('adminDatabaseUrl'), { max: 1 });
  try {
    await admin.sql.unsafe(`create database "${name}"`);
  } finally {
    await admin.close();
  }
  const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
  await migrateDatabase(url);
  return connectDatabase(url, { max: 4 });
}

/** An attempt's result with this HTTP status, made up for tests that record attempts without HTTP. */
export function madeUpResult(status: number): AttemptResult {
  return {
    startedAt: new Date(),
    durationMs: 5,
    outcome: status >= 200 && status < 300 ? 'SUCCESS' : 'HTTP_ERROR',
    responseStatus: status,
    responseHeaders: {},
    responseBody: '',
    error: null,
    hint: null,
    retryAfterMs: null,
  };
}

/**
 * `count` deliveries of one endpoint, each with an event of its own, written directly (fast, for
 * tests about what a table holds): the first `pending` pending and due now, the rest finished as
 * `finished`; all with `handler`, and due `dueInMs` from now.
 */
export async function insertDeliveries(
  db: Database,
  at: { prefix: string; tenantId: string; endpointId: string },
  count: number,
  rows: { pending: number; finished?: 'SUCCEEDED' | 'DEAD_LETTERED'; handler?: 'DISPATCHER' | 'WORKFLOW'; dueInMs?: number },
) {
  const { pending, finished = 'SUCCEEDED', handler = 'DISPATCHER', dueInMs = 0 } = rows;
  await db.sql`
    insert into events (id, tenant_id, event_type, payload)
    select 'evt_' || ${at.prefix} || g, ${at.tenantId}, 'invoice.paid', '{}' from generate_series(1, ${count}) g`;
  await db.sql`
    insert into deliveries (id, tenant_id, event_id, endpoint_id, status, handler, completed_at, next_attempt_at)
    select 'dlv_' || ${at.prefix} || g, ${at.tenantId}, 'evt_' || ${at.prefix} || g, ${at.endpointId},
           case when g <= ${pending} then 'PENDING' else ${finished} end::delivery_status, ${handler}::delivery_handler,
           case when g > ${pending} then now() end, now() + ${dueInMs} * interval '1 millisecond'
      from generate_series(1, ${count}) g`;
}

/** The plan a prepared statement falls back to after five runs (the one every later run uses), line by line. */
export async function genericPlan(sql: postgres.Sql, statement: { describe(): Promise<{ string: string }> }) {
  const { string } = await statement.describe();
  return (await sql.unsafe(`explain (generic_plan) ${string}`)).map((r) => String(r['QUERY PLAN']));
}
