// Factories for core tests against the real Postgres of the test run (see test/support/global-setup.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { Registry } from 'prom-client';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { parseCidrList } from '../delivery/cidr.ts';
import { createDeliveryClient } from '../delivery/delivery-client.ts';
import type { DeliveryEngine } from '../delivery/delivery-engine.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { publishEvent } from '../events/publish-event.ts';
import { createDeliveryMetrics } from '../metrics.ts';
import { createTenant } from '../tenants/create-tenant.ts';

export const testSettings = {
  privateDestinationsAllowed: parseCidrList('127.0.0.0/8,::1/128'),
  secretsMasterKey: randomBytes(32),
};

export function testDatabase(): Database {
  return connectDatabase(inject('databaseUrl'), { max: 4 });
}

/**
 * A fresh, migrated database of the test file's own: for tests that claim deliveries, which would
 * otherwise claim (and lease) other files' rows in the shared one.
 */
export async function isolatedTestDatabase(): Promise<Database> {
  const name = `core_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(inject('adminDatabaseUrl'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
  await migrateDatabase(url);
  return connectDatabase(url, { max: 4 });
}

/** The delivery engine both paths share, over `database`, with test-sized settings. */
export function testEngine(database: Database, overrides: Partial<DeliveryEngine> = {}): DeliveryEngine {
  return {
    database,
    client: createDeliveryClient({ privateDestinationsAllowed: testSettings.privateDestinationsAllowed, connectTimeoutMs: 1000 }),
    secretsMasterKey: testSettings.secretsMasterKey,
    privateDestinationsAllowed: testSettings.privateDestinationsAllowed,
    defaultRetrySchedule: parseRetrySchedule('0s,1s,1s'),
    timeoutMs: 2000,
    responseBodyBytes: 4096,
    perEndpointConcurrency: 20,
    autoDisable: { afterMs: 5 * 86_400_000, minFailedDeliveries: 20 },
    metrics: createDeliveryMetrics(new Registry()),
    ...overrides,
  };
}

/** A tenant with event type `invoice.paid` and `endpoints` endpoints pointing at `url`. */
export async function tenantWithEndpoints(database: Database, endpoints = 1, url = 'http://127.0.0.1:9/hook') {
  const { tenant } = await createTenant(database.db, { name: 'fixture' });
  await createEventType(database.db, tenant.id, { name: 'invoice.paid' });
  const created = [];
  for (let i = 0; i < endpoints; i++)
    created.push((await createEndpoint(database.db, testSettings, tenant.id, { url })).endpoint);
  return { tenant, endpoints: created };
}

export async function publishMany(database: Database, tenantId: string, count: number) {
  const results = [];
  for (let i = 0; i < count; i++) {
    results.push(
      await publishEvent(database.db, { payloadBytes: 256 * 1024 }, tenantId, { eventType: 'invoice.paid', payload: { i } }),
    );
  }
  return results;
}
