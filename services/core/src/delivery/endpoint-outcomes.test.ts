import { deliveries, endpoints, events, operationalEvents, tenants } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { newId } from '../ids.ts';
import {
  isolatedTestDatabase,
  madeUpResult,
  publishMany,
  tenantWithEndpoints,
  testEngine,
  testSettings,
} from '../testing/fixtures.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { loadDueRetries } from './due-retries.ts';
import { recordAttempts } from './record-attempts.ts';

// What recorded attempts do to their endpoints and which operational events they leave, without HTTP:
// the attempts' results are made up, the database is real.

let database: Database;
let engine: DeliveryEngine;
beforeAll(async () => {
  database = await isolatedTestDatabase();
  engine = testEngine(database, { autoDisable: { afterMs: 3_600_000, minFailedDeliveries: 3 } });
});
afterAll(async () => {
  await engine?.client.close();
  await database?.close();
});

async function claimAll(endpointId: string): Promise<DueDelivery[]> {
  const claimed = await claimFirstAttempts(database.sql, { owner: 't', limit: 1000, leaseMs: 60_000 });
  return claimed.filter((d) => d.endpoint.id === endpointId);
}

const record = (batch: DueDelivery[], status: number, path: 'FAST' | 'DURABLE' = 'FAST') =>
  recordAttempts(
    engine,
    batch.map((delivery) => ({ attemptId: newId('att'), delivery, headers: {}, result: madeUpResult(status) })),
    path,
  );

const endpointRow = async (id: string) => (await database.db.select().from(endpoints).where(eq(endpoints.id, id)))[0]!;
const eventsOf = (tenantId: string) =>
  database.db.select().from(operationalEvents).where(eq(operationalEvents.tenantId, tenantId)).orderBy(operationalEvents.id);

describe('failing_since', () => {
  it('is set by the first failure and cleared by a success', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 2);
    const [first, second] = await claimAll(endpoint!.id);
    await record([first!], 500);
    const failing = (await endpointRow(endpoint!.id)).failingSince;
    expect(failing).toBeInstanceOf(Date);
    await record([second!], 503);
    expect((await endpointRow(endpoint!.id)).failingSince).toEqual(failing);

    await database.db.update(deliveries).set({ nextAttemptAt: sql`now()` }).where(eq(deliveries.endpointId, endpoint!.id));
    const due = await loadDueRetries(database.sql, endpoint!.id, 10);
    expect(due).toHaveLength(2);
    await record(due.slice(0, 1), 200, 'DURABLE');
    expect((await endpointRow(endpoint!.id)).failingSince).toBeNull();
  });
});

describe('automatic disabling', () => {
  it('disables an endpoint failing for longer than the period with enough undelivered deliveries, and records why', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 4);
    const batch = await claimAll(endpoint!.id);
    await record(batch.slice(0, 1), 500);
    await database.db
      .update(endpoints)
      .set({ failingSince: sql`now() - interval '2 hours'` })
      .where(eq(endpoints.id, endpoint!.id));
    await record(batch.slice(1, 2), 500);

    const disabled = await endpointRow(endpoint!.id);
    expect(disabled.status).toBe('DISABLED');
    expect(disabled.disabledReason).toMatch(/Every delivery attempt has failed since/);
    const pending = await database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpoint!.id));
    expect(pending.map((d) => d.status).sort()).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
    const [notice] = await eventsOf(tenant.id);
    expect(notice).toMatchObject({ type: 'ENDPOINT_DISABLED', endpointId: endpoint!.id });
    expect(notice!.message).toMatch(/was disabled because every attempt has failed since .*4 pending deliveries were cancelled/);
    expect(notice!.data).toMatchObject({ reason: 'FAILING', cancelledDeliveries: 4 });
  });

  it('keeps an endpoint that has failed long enough but on fewer deliveries than the minimum', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 2);
    const batch = await claimAll(endpoint!.id);
    await database.db
      .update(endpoints)
      .set({ failingSince: sql`now() - interval '2 hours'` })
      .where(eq(endpoints.id, endpoint!.id));
    await record(batch, 500);
    expect((await endpointRow(endpoint!.id)).status).toBe('ACTIVE');
    expect(await eventsOf(tenant.id)).toEqual([]);
  });

  it('keeps an endpoint with many failures that started less than the period ago', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 5);
    await record(await claimAll(endpoint!.id), 500);
    expect((await endpointRow(endpoint!.id)).status).toBe('ACTIVE');
  });
});

describe('operational events', () => {
  it('records a 410 Gone as ENDPOINT_DISABLED', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 1);
    await record(await claimAll(endpoint!.id), 410);
    const [notice] = await eventsOf(tenant.id);
    expect(notice).toMatchObject({ type: 'ENDPOINT_DISABLED', data: { reason: 'GONE' } });
    expect(notice!.message).toContain('410 Gone');
  });

  it('records a dead letter, and a recovery, once each', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await database.db.update(endpoints).set({ retrySchedule: '0s' }).where(eq(endpoints.id, endpoint!.id));
    await publishMany(database, tenant.id, 1);
    const batch = await claimAll(endpoint!.id);
    await record(batch, 500);
    // The same attempt recorded again (an activity retried after its write committed) changes nothing.
    await record(batch, 500);
    const notices = await eventsOf(tenant.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ type: 'DELIVERY_DEAD_LETTERED', deliveryId: batch[0]!.id });
    expect(notices[0]!.message).toMatch(/dead-lettered after 1 attempts; the last one: HTTP 500/);

    await publishMany(database, tenant.id, 1);
    const [next] = await claimAll(endpoint!.id);
    await database.db.update(endpoints).set({ health: 'RECOVERING', retrySchedule: null }).where(eq(endpoints.id, endpoint!.id));
    await database.db.update(deliveries).set({ handler: 'WORKFLOW' }).where(eq(deliveries.id, next!.id));
    await record([next!], 200, 'DURABLE');
    const after = await eventsOf(tenant.id);
    expect(after.map((e) => e.type)).toEqual(['DELIVERY_DEAD_LETTERED', 'ENDPOINT_RECOVERED']);
    expect((await endpointRow(endpoint!.id)).health).toBe('HEALTHY');
  });

  it("publishes each one to the tenant's operational endpoint only, but not the dead letter of such a delivery", async () => {
    const {
      tenant,
      caller,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    const { endpoint: ops } = await createEndpoint(database.db, testSettings, caller, {
      url: 'http://127.0.0.1:9/ops',
      eventTypes: ['invoice.paid'],
      retrySchedule: '0s',
    });
    await database.db.update(tenants).set({ operationalEndpointId: ops.id }).where(eq(tenants.id, tenant.id));
    await database.db.update(endpoints).set({ retrySchedule: '0s' }).where(eq(endpoints.id, endpoint!.id));
    await publishMany(database, tenant.id, 1);
    await record(await claimAll(endpoint!.id), 500);

    const [published] = await database.db.select().from(events).where(eq(events.eventType, 'acme.delivery.dead_lettered'));
    expect(published).toMatchObject({ tenantId: tenant.id });
    const notice = (await eventsOf(tenant.id))[0]!;
    expect(published!.payload).toMatchObject({ id: notice.id, type: 'DELIVERY_DEAD_LETTERED', message: notice.message });
    const sent = await database.db.select().from(deliveries).where(eq(deliveries.eventId, published!.id));
    expect(sent.map((d) => d.endpointId)).toEqual([ops.id]);

    // The operational delivery fails and dead-letters too: no event about it, or failures would feed each other.
    await record(await claimAll(ops.id), 500);
    const [opsDelivery] = await database.db.select().from(deliveries).where(eq(deliveries.eventId, published!.id));
    expect(opsDelivery!.status).toBe('DEAD_LETTERED');
    expect(await eventsOf(tenant.id)).toHaveLength(1);
  });
});
