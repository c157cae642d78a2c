import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/client.ts';
import { newId } from '../ids.ts';
import {
  genericPlan,
  isolatedTestDatabase,
  madeUpResult,
  publishMany,
  tenantWithEndpoints,
  testEngine,
} from '../testing/fixtures.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { markRecovering } from './endpoint-health.ts';
import { planRetries } from './plan-retries.ts';
import { recordAttempts } from './record-attempts.ts';
import { writeAttempts } from './write-attempts.ts';

// Who decides a delivery when two sends of it race, and on whose clock a retry is due. Results are
// made up, the database is real (and this file's own: claims take any due row).

let database: Database;
let engine: DeliveryEngine;
beforeAll(async () => {
  database = await isolatedTestDatabase();
  engine = testEngine(database);
});
afterAll(async () => {
  await engine?.client.close();
  await database?.close();
});

const record = (batch: DueDelivery[], status: number, path: 'FAST' | 'DURABLE' = 'FAST') =>
  recordAttempts(
    engine,
    batch.map((delivery) => ({ attemptId: newId('att'), delivery, headers: {}, result: madeUpResult(status) })),
    path,
  );

async function oneDelivery() {
  const {
    tenant,
    endpoints: [endpoint],
  } = await tenantWithEndpoints(database, 1);
  const [published] = await publishMany(database, tenant.id, 1);
  return { endpointId: endpoint!.id, deliveryId: published!.deliveries[0]!.id };
}

const row = async (id: string) => (await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
const attemptsOf = (id: string) =>
  database.db
    .select({ number: deliveryAttempts.attemptNumber, status: deliveryAttempts.responseStatus })
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));

describe('a send whose claim was taken over', () => {
  it('is logged as an attempt but decides nothing; the current claim decides, numbered after it', async () => {
    const { deliveryId } = await oneDelivery();
    const [stale] = (await claimFirstAttempts(database.sql, { owner: 'old', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    // Its lease ran out while the request hung; another dispatcher claimed and sent it again.
    await database.db
      .update(deliveries)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(deliveries.id, deliveryId));
    const [current] = (await claimFirstAttempts(database.sql, { owner: 'new', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    expect(current).toBeDefined();

    // The old send answers last-but-first: a 500 that must not turn the delivery into a retry.
    expect(await record([stale!], 500)).toEqual([]);
    expect(await row(deliveryId)).toMatchObject({ status: 'PENDING', handler: 'DISPATCHER', leaseOwner: 'new', attemptCount: 1 });
    const [outcome] = await record([current!], 200);
    expect(outcome).toMatchObject({ deliveryId, status: 'SUCCEEDED' });
    expect(await row(deliveryId)).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(await attemptsOf(deliveryId)).toEqual([
      { number: 1, status: 500 },
      { number: 2, status: 200 },
    ]);
  });

  it('writing the same attempts again changes nothing', async () => {
    const { deliveryId } = await oneDelivery();
    const claimed = (await claimFirstAttempts(database.sql, { owner: 'w', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    const sent = claimed.map((delivery) => ({ attemptId: newId('att'), delivery, headers: {}, result: madeUpResult(503) }));
    await recordAttempts(engine, sent, 'FAST');
    expect(await recordAttempts(engine, sent, 'FAST')).toEqual([]);
    expect(await attemptsOf(deliveryId)).toEqual([{ number: 1, status: 503 }]);
    expect(await row(deliveryId)).toMatchObject({ attemptCount: 1, handler: 'WORKFLOW' });
  });
});

describe("the recovering endpoint's probe", () => {
  it('never takes a first attempt a live dispatcher has claimed; one whose lease ran out, it takes', async () => {
    const { endpointId, deliveryId } = await oneDelivery();
    const [claimed] = (await claimFirstAttempts(database.sql, { owner: 'live', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    await markRecovering(database.db, [endpointId]);

    const wait = await planRetries(database.sql, endpointId);
    expect(wait).toBeGreaterThan(0);
    expect(await row(deliveryId)).toMatchObject({ handler: 'DISPATCHER', leaseOwner: 'live' });
    expect((await database.sql`select health from endpoints where id = ${endpointId}`)[0]!.health).toBe('RECOVERING');

    await database.db
      .update(deliveries)
      .set({ leaseExpiresAt: sql`now() - interval '1 second'` })
      .where(eq(deliveries.id, deliveryId));
    await planRetries(database.sql, endpointId);
    expect(await row(deliveryId)).toMatchObject({ handler: 'WORKFLOW', leaseOwner: null });
    // The old claim's send comes back late: logged, but the probe's row stays the workflow's.
    expect(await record([claimed!], 200)).toEqual([]);
    expect(await row(deliveryId)).toMatchObject({ status: 'PENDING', handler: 'WORKFLOW', attemptCount: 1 });
    expect(await attemptsOf(deliveryId)).toEqual([{ number: 1, status: 200 }]);
  });
});

describe('a retry', () => {
  afterAll(() => vi.useRealTimers());

  it("is due by Postgres's clock, however wrong the worker's is", async () => {
    const { deliveryId } = await oneDelivery();
    const [claimed] = (await claimFirstAttempts(database.sql, { owner: 'c', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    // The worker's clock an hour fast: its attempt started and ended "an hour from now".
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_600_000 });
    try {
      await record([claimed!], 503);
    } finally {
      vi.useRealTimers();
    }
    const [due] = await database.sql<{ in_ms: number }[]>`
      select (extract(epoch from (next_attempt_at - now())) * 1000)::float8 as in_ms from deliveries where id = ${deliveryId}`;
    // Due after the schedule's next delay, not an hour later.
    expect(due!.in_ms).toBeGreaterThan(0);
    expect(due!.in_ms).toBeLessThanOrEqual(engine.defaultRetrySchedule[1]!);
  });
});

describe('lock order', () => {
  it("takes the batch's endpoints before its deliveries, as updateEndpoint and planRetries do", async () => {
    const { endpointId, deliveryId } = await oneDelivery();
    const claimed = (await claimFirstAttempts(database.sql, { owner: 'l', limit: 1000, leaseMs: 60_000 })).filter(
      (d) => d.id === deliveryId,
    );
    // Someone holds the endpoint (an update of it, which goes on to its deliveries).
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = database.sql.begin(async (tx) => {
      await tx`select id from endpoints where id = ${endpointId} for update`;
      locked();
      await released;
    });
    await holding;
    const recording = record(claimed, 500);
    // Wait until the write waits for a lock...
    for (let i = 0; ; i++) {
      const [w] = await database.sql<{ n: number }[]>`select count(*)::int as n from pg_locks where not granted`;
      if (w!.n > 0) break;
      if (i > 200) throw new Error('the write never waited for the endpoint');
      await new Promise((r) => setTimeout(r, 25));
    }
    // ...holding no delivery row meanwhile: the holder could go on to lock it without a deadlock.
    const free = await database.sql.begin(async (tx) => {
      await tx`set local lock_timeout = '200ms'`;
      return (await tx`select id from deliveries where id = ${deliveryId} for update`).length;
    });
    expect(free).toBe(1);
    release();
    await holder;
    expect(await recording).toMatchObject([{ deliveryId, status: 'RETRY_SCHEDULED' }]);
  });
});

describe('the check for attempts already written', () => {
  it('probes delivery_attempts by primary key in the cached plan, however young the table', async () => {
    // A table filled since it was last analyzed (the first minutes after a deploy): a "not exists"
    // check planned for 100 rows of input became a hash anti-join over a read of the whole table.
    const { deliveryId } = await oneDelivery();
    const { tenantId } = await row(deliveryId);
    await database.sql`
      insert into delivery_attempts (id, delivery_id, tenant_id, attempt_number, path, started_at, duration_ms, url, request_headers, outcome)
      select 'att_plan' || g, ${deliveryId}, ${tenantId}, g, 'FAST', now(), 1, 'http://127.0.0.1/', '{}', 'SUCCESS'
        from generate_series(1, 6000) g`;
    // The plan a prepared statement falls back to after five runs: the one every batch then uses.
    const plan = (await genericPlan(database.sql, writeAttempts(database.sql, 'FAST', [], false))).join('\n');
    expect(plan).toMatch(/Index (Only )?Scan using delivery_attempts_pkey on delivery_attempts/);
    expect(plan).not.toMatch(/Seq Scan on delivery_attempts/);
  });
});
