import { deliveries, endpoints } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  genericPlan,
  insertDeliveries,
  isolatedTestDatabase,
  publishMany,
  tenantWithEndpoints,
  testDatabase,
} from '../testing/fixtures.ts';
import { leaseDueRetries, leaseStatement, loadDueRetries } from './due-retries.ts';
import { planRetries } from './plan-retries.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('planRetries', () => {
  const health = async (id: string) =>
    (await database.db.select({ health: endpoints.health }).from(endpoints).where(eq(endpoints.id, id)))[0]!.health;

  it('is null when the endpoint has nothing left to retry', async () => {
    const { endpoints } = await tenantWithEndpoints(database, 1);
    expect(await planRetries(database.sql, endpoints[0]!.id)).toBeNull();
  });

  it("counts down to the endpoint's earliest retry, and is 0 once it is due", async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    const [first, second] = await publishMany(database, tenant.id, 2);
    const set = (id: string, at: ReturnType<typeof sql>) =>
      database.db
        .update(deliveries)
        .set({ handler: 'WORKFLOW', attemptCount: 1, nextAttemptAt: at })
        .where(eq(deliveries.id, id));
    await set(first!.deliveries[0]!.id, sql`now() + interval '10 minutes'`);
    await set(second!.deliveries[0]!.id, sql`now() + interval '30 seconds'`);
    const delay = await planRetries(database.sql, endpoints[0]!.id);
    expect(delay).toBeGreaterThan(25_000);
    expect(delay).toBeLessThanOrEqual(30_000);

    await set(second!.deliveries[0]!.id, sql`now() - interval '1 second'`);
    expect(await planRetries(database.sql, endpoints[0]!.id)).toBe(0);
    expect((await loadDueRetries(database.sql, endpoints[0]!.id, 10)).map((d) => d.id)).toEqual([second!.deliveries[0]!.id]);
  });

  it('waits for the lease of a retry another round is sending, rather than spinning on it', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const id = published!.deliveries[0]!.id;
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', attemptCount: 1, nextAttemptAt: sql`now() - interval '1 second'` })
      .where(eq(deliveries.id, id));
    expect(await leaseDueRetries(database.sql, [id], 'round-1', 20_000)).toEqual(new Set([id]));
    expect(await leaseDueRetries(database.sql, [id], 'round-2', 20_000)).toEqual(new Set());
    expect(await loadDueRetries(database.sql, endpoints[0]!.id, 10)).toEqual([]);
    expect(await planRetries(database.sql, endpoints[0]!.id)).toBeGreaterThan(15_000);
  });

  it('ignores first attempts, which belong to the dispatcher', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 1);
    expect(await planRetries(database.sql, endpoints[0]!.id)).toBeNull();
  });

  it('adopts the oldest waiting first attempt as the next probe while the endpoint is recovering', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    const [older, newer] = await publishMany(database, tenant.id, 2);
    await database.db.update(endpoints).set({ health: 'RECOVERING' }).where(eq(endpoints.id, endpoint!.id));
    expect(await planRetries(database.sql, endpoint!.id)).toBe(0);
    const [probe] = await database.db.select().from(deliveries).where(eq(deliveries.id, older!.deliveries[0]!.id));
    expect(probe).toMatchObject({ handler: 'WORKFLOW', attemptCount: 0 });
    const [waiting] = await database.db.select().from(deliveries).where(eq(deliveries.id, newer!.deliveries[0]!.id));
    expect(waiting!.handler).toBe('DISPATCHER');
  });

  it('ends the recovery when nothing is left to retry or probe', async () => {
    const {
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await database.db.update(endpoints).set({ health: 'RECOVERING' }).where(eq(endpoints.id, endpoint!.id));
    expect(await planRetries(database.sql, endpoint!.id)).toBeNull();
    expect(await health(endpoint!.id)).toBe('HEALTHY');
  });
});

describe('leaseDueRetries', () => {
  it('locks the chunk by primary key, whatever the other retries pending', async () => {
    // Every endpoint in trouble has retries pending: a plan that scanned the workflow index for the
    // chunk's ids read all of them on every lease.
    const own = await isolatedTestDatabase();
    try {
      const { tenant, endpoints } = await tenantWithEndpoints(own, 1);
      await insertDeliveries(own, { prefix: 'retry', tenantId: tenant.id, endpointId: endpoints[0]!.id }, 20_000, {
        pending: 20_000,
        handler: 'WORKFLOW',
        dueInMs: 3_600_000,
      });
      await own.sql`analyze deliveries`;
      const plan = await genericPlan(own.sql, leaseStatement(own.sql, ['dlv_retry1', 'dlv_retry2'], 'round', 60_000));
      const scans = plan.filter((line) => /Scan.* on deliveries /.test(line));
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) expect(scan).toMatch(/using deliveries_pkey/);
    } finally {
      await own.close();
    }
  });
});
