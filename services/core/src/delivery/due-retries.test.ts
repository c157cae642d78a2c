import { deliveries } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { loadDueRetries, nextRetryDelay } from './due-retries.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('nextRetryDelay', () => {
  it('is null when the endpoint has nothing left to retry', async () => {
    const { endpoints } = await tenantWithEndpoints(database, 1);
    expect(await nextRetryDelay(database.sql, endpoints[0]!.id)).toBeNull();
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
    const delay = await nextRetryDelay(database.sql, endpoints[0]!.id);
    expect(delay).toBeGreaterThan(25_000);
    expect(delay).toBeLessThanOrEqual(30_000);

    await set(second!.deliveries[0]!.id, sql`now() - interval '1 second'`);
    expect(await nextRetryDelay(database.sql, endpoints[0]!.id)).toBe(0);
    expect((await loadDueRetries(database.sql, endpoints[0]!.id, 10)).map((d) => d.id)).toEqual([second!.deliveries[0]!.id]);
  });

  it('ignores first attempts, which belong to the dispatcher', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 1);
    expect(await nextRetryDelay(database.sql, endpoints[0]!.id)).toBeNull();
  });
});
