// Factories for core tests against the real Postgres of the test run (see test/support/global-setup.ts).
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { parseCidrList } from '../delivery/cidr.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { publishEvent } from '../events/publish-event.ts';
import { createTenant } from '../tenants/create-tenant.ts';

export const testSettings = {
  privateDestinationsAllowed: parseCidrList('127.0.0.0/8,::1/128'),
  secretsMasterKey: { current: randomBytes(32) },
};

export function testDatabase(): Database {
  return connectDatabase(inject('databaseUrl'), { max: 4 });
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
