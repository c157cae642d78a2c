import { deliveries } from '@acme/schema/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import { DispatcherLiveness } from './dispatcher-liveness.ts';

const database = testDatabase();
afterAll(() => database.close());

/** Claims only this test's deliveries' rows are looked at: other files share the database. */
async function claimedIdsOf(ids: string[], owner: string) {
  const rows = await database.db
    .select({ id: deliveries.id, owner: deliveries.leaseOwner })
    .from(deliveries)
    .where(inArray(deliveries.id, ids));
  return rows.filter((r) => r.owner === owner).map((r) => r.id);
}

describe('claimFirstAttempts', () => {
  it('never gives the same delivery to two dispatchers claiming at once', async () => {
    const { tenant } = await tenantWithEndpoints(database, 2);
    const ids = (await publishMany(database, tenant.id, 20)).flatMap((r) => r.deliveries.map((d) => d.id));
    const [a, b] = await Promise.all([
      claimFirstAttempts(database.sql, { owner: 'a', limit: 1000, leaseMs: 60_000 }),
      claimFirstAttempts(database.sql, { owner: 'b', limit: 1000, leaseMs: 60_000 }),
    ]);
    const mineA = a.map((d) => d.id).filter((id) => ids.includes(id));
    const mineB = b.map((d) => d.id).filter((id) => ids.includes(id));
    expect(mineA.filter((id) => mineB.includes(id))).toEqual([]);
    expect(new Set([...mineA, ...mineB])).toEqual(new Set(ids));
    expect(await claimedIdsOf(ids, 'a')).toHaveLength(mineA.length);
  });

  it('gives a claim back once its lease has expired, and not before', async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const id = published!.deliveries[0]!.id;
    await claimFirstAttempts(database.sql, { owner: 'crashed', limit: 1000, leaseMs: 60_000 });
    const again = await claimFirstAttempts(database.sql, { owner: 'other', limit: 1000, leaseMs: 60_000 });
    expect(again.map((d) => d.id)).not.toContain(id);

    await database.db.update(deliveries).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(deliveries.id, id));
    const recovered = await claimFirstAttempts(database.sql, { owner: 'other', limit: 1000, leaseMs: 60_000 });
    expect(recovered.map((d) => d.id)).toContain(id);
  });

  it("takes back a gone dispatcher's claims after the grace, never a live one's nor its own", async () => {
    const { tenant } = await tenantWithEndpoints(database, 2);
    const ids = (await publishMany(database, tenant.id, 2)).flatMap((r) => r.deliveries.map((d) => d.id));
    const live = new DispatcherLiveness(database.url, 'live-dispatcher');
    expect(await live.ensure()).toBe(true);
    try {
      await claimFirstAttempts(database.sql, { owner: 'live-dispatcher', limit: 1000, leaseMs: 60_000 });
      const [liveRow, goneRow] = ids;
      // One of them was claimed 10 s ago by a dispatcher that holds no liveness lock (its process is gone).
      await database.db
        .update(deliveries)
        .set({ leaseOwner: 'gone-dispatcher', leaseExpiresAt: sql`now() + interval '50 seconds'` })
        .where(eq(deliveries.id, goneRow!));
      await database.db
        .update(deliveries)
        .set({ leaseExpiresAt: sql`now() + interval '50 seconds'` })
        .where(eq(deliveries.id, liveRow!));

      const options = { owner: 'new-dispatcher', limit: 1000, leaseMs: 60_000 };
      const withoutGrace = await claimFirstAttempts(database.sql, options);
      expect(withoutGrace.map((d) => d.id).filter((id) => ids.includes(id))).toEqual([]);
      const notYet = await claimFirstAttempts(database.sql, { ...options, deadOwnerGraceMs: 15_000 });
      expect(notYet.map((d) => d.id).filter((id) => ids.includes(id))).toEqual([]);
      const own = await claimFirstAttempts(database.sql, { ...options, owner: 'gone-dispatcher', deadOwnerGraceMs: 3000 });
      expect(own.map((d) => d.id).filter((id) => ids.includes(id))).toEqual([]);
      const taken = await claimFirstAttempts(database.sql, { ...options, deadOwnerGraceMs: 3000 });
      expect(taken.map((d) => d.id).filter((id) => ids.includes(id))).toEqual([goneRow]);

      // Once the live one stops (its lock released), its claims are free too.
      await live.release();
      const afterStop = await claimFirstAttempts(database.sql, { ...options, deadOwnerGraceMs: 3000 });
      expect(afterStop.map((d) => d.id).filter((id) => ids.includes(id))).toEqual([liveRow]);
    } finally {
      await live.release();
    }
  });

  it('carries what sending needs: the event, the endpoint and its settings', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const claimed = await claimFirstAttempts(database.sql, { owner: 'c', limit: 1000, leaseMs: 60_000 });
    const mine = claimed.find((d) => d.id === published!.deliveries[0]!.id);
    expect(mine).toMatchObject({
      tenantId: tenant.id,
      attemptCount: 0,
      message: { eventId: published!.event.id, eventType: 'invoice.paid', payload: { i: 0 } },
      endpoint: { id: endpoints[0]!.id, url: 'http://127.0.0.1:9/hook' },
    });
    expect(mine!.message.eventCreatedAt.getTime()).toBe(published!.event.createdAt.getTime());
  });

  it('takes at most perEndpointLimit of one endpoint per claim, and none of an excluded one', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 2);
    const ids = (await publishMany(database, tenant.id, 6)).flatMap((r) => r.deliveries.map((d) => d.id));
    const [busy, other] = endpoints.map((e) => e!.id);
    const excluded = await claimFirstAttempts(database.sql, {
      owner: 'x',
      limit: 1000,
      leaseMs: 60_000,
      excludeEndpoints: [busy!],
    });
    expect(excluded.filter((d) => ids.includes(d.id)).every((d) => d.endpoint.id === other)).toBe(true);

    const {
      tenant: t2,
      endpoints: [single],
    } = await tenantWithEndpoints(database, 1);
    const ids2 = (await publishMany(database, t2.id, 5)).flatMap((r) => r.deliveries.map((d) => d.id));
    const capped = await claimFirstAttempts(database.sql, { owner: 'y', limit: 1000, leaseMs: 60_000, perEndpointLimit: 2 });
    expect(capped.filter((d) => ids2.includes(d.id) && d.endpoint.id === single!.id)).toHaveLength(2);
  });

  it('counts what the dispatcher already has in flight to an endpoint against its cap', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    const ids = (await publishMany(database, tenant.id, 5)).flatMap((r) => r.deliveries.map((d) => d.id));
    const claimed = await claimFirstAttempts(database.sql, {
      owner: 'z',
      limit: 1000,
      leaseMs: 60_000,
      perEndpointLimit: 4,
      inFlight: new Map([[endpoint!.id, 3]]),
    });
    expect(claimed.filter((d) => ids.includes(d.id))).toHaveLength(1);
    const full = await claimFirstAttempts(database.sql, {
      owner: 'z',
      limit: 1000,
      leaseMs: 60_000,
      perEndpointLimit: 4,
      inFlight: new Map([[endpoint!.id, 4]]),
    });
    expect(full.filter((d) => ids.includes(d.id))).toEqual([]);
  });
});
