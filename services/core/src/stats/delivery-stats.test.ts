import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { newId } from '../ids.ts';
import { portalSession, publishMany, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { deliveryStats, endpointStats, statsWindow } from './delivery-stats.ts';

const database = testDatabase();
afterAll(() => database.close());

const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms);

describe('deliveryStats', () => {
  it('counts deliveries by status per bucket, the success rate, and attempt latency percentiles', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 2);
    const base = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR; // the start of an hour, three hours ago
    const published = await publishMany(database, tenant.id, 3);
    const ids = published.flatMap((p) => p.deliveries.map((d) => d.id)); // 6: three events × two endpoints
    const set = (id: string, status: 'SUCCEEDED' | 'DEAD_LETTERED' | 'PENDING', createdAt: Date) =>
      database.db.update(deliveries).set({ status, createdAt }).where(eq(deliveries.id, id));
    await set(ids[0]!, 'SUCCEEDED', at(base + 10_000));
    await set(ids[1]!, 'SUCCEEDED', at(base + 20_000));
    await set(ids[2]!, 'DEAD_LETTERED', at(base + HOUR + 5_000));
    await set(ids[3]!, 'SUCCEEDED', at(base + HOUR + 6_000));
    await set(ids[4]!, 'PENDING', at(base + 2 * HOUR));
    await set(ids[5]!, 'SUCCEEDED', at(base - HOUR)); // before the window
    for (const [i, ms] of [10, 20, 30, 40, 1000].entries()) {
      await database.db.insert(deliveryAttempts).values({
        id: newId('att'),
        deliveryId: ids[i]!,
        tenantId: tenant.id,
        attemptNumber: 1,
        path: 'FAST',
        startedAt: at(base + 30_000),
        durationMs: ms,
        url: 'http://127.0.0.1:9/hook',
        requestHeaders: {},
        outcome: 'SUCCESS',
      });
    }

    const stats = await deliveryStats(database.db, caller, { since: at(base), until: at(base + 3 * HOUR), bucket: 'HOUR' });
    expect(stats.counts).toEqual({ total: 5, pending: 1, succeeded: 3, deadLettered: 1, cancelled: 0 });
    expect(stats.successRate).toBeCloseTo(0.75);
    expect(stats.buckets.map((b) => [b.start.getTime() - base, b.counts.total])).toEqual([
      [0, 2],
      [HOUR, 2],
      [2 * HOUR, 1],
    ]);
    expect(stats.attemptCount).toBe(5);
    expect(stats.attemptLatencyMs).toEqual({ p50: 30, p95: expect.closeTo(808, 0), p99: expect.closeTo(961.6, 1) });

    const one = await deliveryStats(database.db, caller, {
      endpointId: endpoints[0]!.id,
      since: at(base),
      until: at(base + 3 * HOUR),
    });
    const twoEndpoints = await endpointStats(database.db, caller, [endpoints[0]!.id, endpoints[1]!.id], {
      since: at(base),
      until: at(base + 3 * HOUR),
    });
    expect(twoEndpoints.get(endpoints[0]!.id)).toEqual(one);
    expect(one.counts.total + twoEndpoints.get(endpoints[1]!.id)!.counts.total).toBe(5);
  });

  it("sees nothing of another tenant's or another consumer's deliveries", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 2);
    const stranger = await tenantWithEndpoints(database, 0);
    expect((await deliveryStats(database.db, stranger.caller, {})).counts.total).toBe(0);
    expect((await deliveryStats(database.db, portalSession(tenant.id, 'acme'), {})).counts.total).toBe(0);
    await createEndpoint(database.db, testSettings, caller, { url: 'http://127.0.0.1:9/x', consumerId: 'acme' });
    expect((await deliveryStats(database.db, caller, {})).counts.total).toBe(2);
    expect((await deliveryStats(database.db, caller, {})).successRate).toBeNull();
  });

  it('defaults to the last 24 hours by hour, and refuses windows that are backwards or have too many buckets', () => {
    const w = statsWindow({});
    expect(w.bucket).toBe('HOUR');
    expect(w.until.getTime() - w.since.getTime()).toBe(24 * HOUR);
    expect(() => statsWindow({ since: at(HOUR), until: at(0) })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => statsWindow({ since: at(0), until: at(30 * 24 * HOUR), bucket: 'MINUTE' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'bucket' } }),
    );
  });
});
