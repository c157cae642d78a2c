import { deliveries } from '@acme/schema/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../db/client.ts';
import { updateEndpoint } from '../endpoints/update-endpoint.ts';
import { registerBacklogGauges } from '../metrics.ts';
import { reactivateTenant, suspendTenant } from '../tenants/suspend-tenant.ts';
import {
  genericPlan,
  insertDeliveries,
  isolatedTestDatabase,
  publishMany,
  tenantWithEndpoints,
  testSettings,
} from '../testing/fixtures.ts';
import { CLAIM_SESSION_SETTINGS, claimFirstAttempts, claimStatement } from './claim-first-attempts.ts';
import { DispatcherLiveness } from './dispatcher-liveness.ts';
import { markRecovered, markRecovering } from './endpoint-health.ts';

// A database of its own: a claim takes any due row, and leases it for a minute.
let database: Database;
beforeAll(async () => {
  database = await isolatedTestDatabase();
});
afterAll(() => database?.close());

/** The rows of these deliveries this owner holds. */
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

  it('commits without waiting for the WAL flush, and the claim is there all the same', async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const id = published!.deliveries[0]!.id;
    const connection = await database.sql.reserve();
    try {
      // In a transaction of its own, so that the setting it leaves for its commit can be read.
      await connection`begin`;
      const claimed = await claimFirstAttempts(connection, { owner: 'relaxed', limit: 1000, leaseMs: 60_000 });
      const [setting] = await connection<{ value: string }[]>`select current_setting('synchronous_commit') as value`;
      await connection`commit`;
      expect(claimed.map((d) => d.id)).toContain(id);
      expect(setting?.value).toBe('off');
      const [after] = await connection<{ value: string }[]>`select current_setting('synchronous_commit') as value`;
      expect(after?.value).toBe('on');
    } finally {
      connection.release();
    }
    expect(await claimedIdsOf([id], 'relaxed')).toEqual([id]);
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

  it('takes back its own claims that it does not know it holds (a claim whose answer was lost), not the others', async () => {
    const { tenant } = await tenantWithEndpoints(database, 2);
    const ids = (await publishMany(database, tenant.id, 1)).flatMap((r) => r.deliveries.map((d) => d.id));
    const mine = (rows: { id: string }[]) => rows.map((d) => d.id).filter((id) => ids.includes(id));
    const options = { owner: 'restarted-connection', limit: 1000, leaseMs: 60_000 };
    expect(mine(await claimFirstAttempts(database.sql, options)).sort()).toEqual([...ids].sort());
    // It knows of the first only (the answer carrying the second was lost): the second comes back.
    expect(mine(await claimFirstAttempts(database.sql, { ...options, holding: [ids[0]!] }))).toEqual([ids[1]]);
    expect(mine(await claimFirstAttempts(database.sql, { ...options, holding: ids }))).toEqual([]);
    expect(mine(await claimFirstAttempts(database.sql, { ...options, owner: 'someone-else', holding: [] }))).toEqual([]);
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

  it('holds the rows it meets and claims the rest in one statement when it saw every due row', async () => {
    while ((await claimFirstAttempts(database.sql, { owner: 'drain', limit: 1000, leaseMs: 60_000 })).length > 0);
    const { tenant, endpoints } = await tenantWithEndpoints(database, 2);
    const [recovering, healthy] = endpoints.map((e) => e!.id);
    await markRecovering(database.db, [recovering!]);
    const published = (await publishMany(database, tenant.id, 3)).flatMap((r) => r.deliveries);
    const statements: string[] = [];
    const counted = connectDatabase(database.url, { max: 1, onQuery: (q) => statements.push(q) });
    try {
      const claimed = await claimFirstAttempts(counted.sql, { owner: 'once', limit: 100, leaseMs: 60_000 });
      expect(claimed.map((d) => d.id).sort()).toEqual(
        published
          .filter((d) => d.endpointId === healthy)
          .map((d) => d.id)
          .sort(),
      );
    } finally {
      await counted.close();
    }
    expect(statements.filter((q) => q.includes('synchronous_commit'))).toHaveLength(1);
    const [held] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from deliveries where endpoint_id = ${recovering!} and held`;
    expect(held?.n).toBe(3);
    // Out of the way of the held counts of the test below.
    await database.sql`update deliveries set status = 'CANCELLED', held = false where endpoint_id = ${recovering!}`;
  });

  it('does not walk held deliveries, however many, and gives them back on resume, recovery and reactivation', async () => {
    // What the tests before left due is taken first, so that the counts below are this test's.
    while ((await claimFirstAttempts(database.sql, { owner: 'drain', limit: 1000, leaseMs: 60_000 })).length > 0);
    const paused = await tenantWithEndpoints(database, 2);
    const [pausedEp, recoveringEp] = paused.endpoints.map((e) => e!.id);
    const suspended = await tenantWithEndpoints(database, 1);
    const suspendedEp = suspended.endpoints[0]!.id;
    const healthy = await tenantWithEndpoints(database, 1);
    await updateEndpoint(database.db, testSettings, paused.caller, pausedEp!, { status: 'PAUSED' });
    await markRecovering(database.db, [recoveringEp!]);
    await suspendTenant(database.db, suspended.tenant.id);

    // A held backlog older than anything else due: 30,000 rows over the three endpoints, as earlier
    // claims left them (inserted held: marking them here would leave 30,000 dead versions in the index
    // until a vacuum, which a long transaction elsewhere on the server can hold off).
    const [event] = await publishMany(database, paused.tenant.id, 1);
    const [suspendedEvent] = await publishMany(database, suspended.tenant.id, 1);
    await database.sql`
      insert into deliveries (id, tenant_id, event_id, endpoint_id, next_attempt_at, held)
      select 'dlv_held_' || g, ${paused.tenant.id}, ${event!.event.id},
             case when g % 2 = 0 then ${pausedEp!} else ${recoveringEp!} end, now() - interval '1 hour' + g * interval '1 ms', true
        from generate_series(1, 24000) g`;
    await database.sql`
      insert into deliveries (id, tenant_id, event_id, endpoint_id, next_attempt_at, held)
      select 'dlv_susp_' || g, ${suspended.tenant.id}, ${suspendedEvent!.event.id}, ${suspendedEp},
             now() - interval '1 hour' + g * interval '1 ms', true
        from generate_series(1, 6000) g`;
    const healthyIds = (await publishMany(database, healthy.tenant.id, 5)).flatMap((r) => r.deliveries.map((d) => d.id));

    // The first claim meets the three published to the held endpoints (not yet held), holds them, and
    // takes what may be sent.
    const first = await claimFirstAttempts(database.sql, { owner: 'a', limit: 100, leaseMs: 60_000 });
    expect(first.map((d) => d.id).sort()).toEqual([...healthyIds].sort());
    const [counted] = await database.sql<{ held: number }[]>`select count(*)::int as held from deliveries where held`;
    expect(counted?.held).toBe(30_000 + 2 + 1);
    await database.sql`analyze deliveries`;

    // Later claims read only what they may send: the dispatch index no longer lists held rows.
    const more = (await publishMany(database, healthy.tenant.id, 5)).flatMap((r) => r.deliveries.map((d) => d.id));
    const visited = await database.sql.begin(async (tx) => {
      // Counted from here: the session's counters may still hold statements before this transaction
      // (Postgres flushes them at most once a second), and nothing is flushed within one.
      const read = async () => {
        const [row] = await tx<{ seq_tup_read: number; idx_tup_fetch: number; dispatch_read: number }[]>`
          select t.seq_tup_read::int, t.idx_tup_fetch::int,
                 pg_stat_get_xact_tuples_returned('deliveries_dispatch_idx'::regclass)::int as dispatch_read
            from pg_stat_xact_user_tables t where t.relname = 'deliveries'`;
        return row!;
      };
      const before = await read();
      const claimed = await claimFirstAttempts(tx as unknown as typeof database.sql, { owner: 'b', limit: 100, leaseMs: 60_000 });
      expect(claimed.map((d) => d.id).sort()).toEqual([...more].sort());
      const after = await read();
      return {
        seq_tup_read: after.seq_tup_read - before.seq_tup_read,
        idx_tup_fetch: after.idx_tup_fetch - before.idx_tup_fetch,
        dispatch_read: after.dispatch_read - before.dispatch_read,
      };
    });
    expect(visited.seq_tup_read).toBeLessThan(1000);
    expect(visited.idx_tup_fetch).toBeLessThan(1000);
    // Other tests' rows still leased are read (and skipped); none of the 30,000 held ones.
    expect(visited.dispatch_read).toBeLessThan(1000);

    // The gauges count only what may be sent: none of it is due and unclaimed now.
    const registry = new Registry();
    registerBacklogGauges(registry, database.sql);
    expect((await registry.getSingleMetric('acme_dispatcher_backlog')!.get()).values[0]!.value).toBe(0);

    // Resume, recovery and reactivation give each one's rows back, and the claims take them.
    await updateEndpoint(database.db, testSettings, paused.caller, pausedEp!, { status: 'ACTIVE' });
    await markRecovered(database.db, [recoveringEp!]);
    await reactivateTenant(database.db, suspended.tenant.id);
    expect((await registry.getSingleMetric('acme_dispatcher_backlog')!.get()).values[0]!.value).toBe(30_003);
    const byEndpoint = new Map<string, number>();
    for (;;) {
      const batch = await claimFirstAttempts(database.sql, { owner: 'c', limit: 5000, leaseMs: 60_000 });
      if (batch.length === 0) break;
      for (const d of batch) byEndpoint.set(d.endpoint.id, (byEndpoint.get(d.endpoint.id) ?? 0) + 1);
    }
    expect(Object.fromEntries(byEndpoint)).toEqual({
      [pausedEp!]: 12_000 + 1,
      [recoveringEp!]: 12_000 + 1,
      [suspendedEp]: 6000 + 1,
    });
  });
});

describe('the claim plan', () => {
  it('walks the dispatch index once and locks what it claims or holds by primary key only', async () => {
    // Dead letters pile up for good, and the rows a burst delivered stay in the dispatch index until
    // vacuumed: a plan that scanned either index for the ids it locks read them all on every claim.
    const { tenant, endpoints } = await tenantWithEndpoints(database, 2);
    await insertDeliveries(database, { prefix: 'plan', tenantId: tenant.id, endpointId: endpoints[0]!.id }, 6000, {
      pending: 0,
      finished: 'DEAD_LETTERED',
    });
    const plan = await genericPlan(
      database.sql,
      claimStatement(database.sql, {
        owner: 'plan',
        limit: 100,
        leaseMs: 60_000,
        perEndpointLimit: 20,
        inFlight: new Map([[endpoints[1]!.id, 1]]),
        deadOwnerGraceMs: 3000,
        holding: [],
      }),
    );
    const scans = plan
      .filter((line) => / on deliveries /.test(line))
      .map((line) => line.match(/using (\w+)|Bitmap Heap Scan|Seq Scan/)?.[0]);
    expect(scans.filter((s) => s === 'using deliveries_dispatch_idx')).toHaveLength(1);
    expect(plan.join('\n')).not.toMatch(/deliveries_endpoint_undelivered_idx|Seq Scan on deliveries/);
  });
});

describe('the claim session', () => {
  it('walks the dispatch index in due order even when statistics say only a few rows are due', async () => {
    // The steady state: a table of delivered rows, analyzed, and a handful due.
    const own = await isolatedTestDatabase();
    const claimSession = connectDatabase(own.url, { max: 1, settings: CLAIM_SESSION_SETTINGS });
    try {
      const { tenant, endpoints } = await tenantWithEndpoints(own, 1);
      await insertDeliveries(own, { prefix: 'steady', tenantId: tenant.id, endpointId: endpoints[0]!.id }, 50_005, {
        pending: 5,
      });
      await own.sql`analyze deliveries`;
      const walk = async (sql: Database['sql']) => {
        const plan = await genericPlan(sql, claimStatement(sql, { owner: 'plan', limit: 100, leaseMs: 60_000, holding: [] }));
        return plan.slice(plan.findIndex((line) => /CTE walked/.test(line))).find((line) => / on deliveries /.test(line));
      };
      // The hazard: a bitmap scan reads every entry of the index, the dead ones of delivered rows too.
      expect(await walk(own.sql)).toMatch(/Bitmap Heap Scan on deliveries/);
      expect(await walk(claimSession.sql)).toMatch(/Index Scan using deliveries_dispatch_idx on deliveries/);
    } finally {
      await claimSession.close();
      await own.close();
    }
  });
});
