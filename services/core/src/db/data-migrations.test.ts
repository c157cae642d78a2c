import { deliveries, deliveryAttempts, endpoints } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedTestDatabase, publishMany, tenantWithEndpoints } from '../testing/fixtures.ts';
import type { Database } from './client.ts';
import { allowedHeaders, DATA_MIGRATIONS, runDataMigrations } from './data-migrations.ts';

let database: Database;
beforeAll(async () => {
  database = await isolatedTestDatabase();
});
afterAll(() => database?.close());

/** Runs one data migration again, as on a database that predates it, collecting what it logs. */
async function rerun(name: string) {
  const logged: { fields: Record<string, unknown>; message: string }[] = [];
  await database.sql`delete from data_migrations where name = ${name}`;
  const applied = await runDataMigrations(database.sql, (fields, message) => logged.push({ fields, message }));
  return { applied, logged };
}

describe('data migrations', () => {
  it('ran once each when the database was migrated, and run again only when not recorded', async () => {
    const recorded = await database.sql<{ name: string }[]>`select name from data_migrations order by name`;
    expect(recorded.map((r) => r.name).sort()).toEqual(DATA_MIGRATIONS.map((m) => m.name).sort());
    expect(await runDataMigrations(database.sql, () => {})).toEqual([]);
  });

  it("backfills the URL of attempts logged before it was stored with their endpoint's URL", async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1, 'http://127.0.0.1:9/legacy');
    const [published] = await publishMany(database, tenant.id, 1);
    const deliveryId = published!.deliveries[0]!.id;
    const legacy = { deliveryId, tenantId: tenant.id, path: 'FAST' as const, startedAt: new Date(), durationMs: 1 };
    await database.db.insert(deliveryAttempts).values([
      { ...legacy, id: `att_legacy_${deliveryId}`, attemptNumber: 1, url: '', requestHeaders: {}, outcome: 'TIMEOUT' },
      {
        ...legacy,
        id: `att_kept_${deliveryId}`,
        attemptNumber: 2,
        url: 'http://127.0.0.1:9/old',
        requestHeaders: {},
        outcome: 'TIMEOUT',
      },
    ]);
    const { applied, logged } = await rerun('backfill_attempt_urls');
    expect(applied).toEqual(['backfill_attempt_urls']);
    expect(logged).toEqual([{ fields: { dataMigration: 'backfill_attempt_urls', attempts: 1 }, message: expect.any(String) }]);
    const rows = await database.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId));
    expect(new Map(rows.map((r) => [r.attemptNumber, r.url]))).toEqual(
      new Map([
        [1, endpoint!.url],
        [2, 'http://127.0.0.1:9/old'],
      ]),
    );
  });

  it('refuses a new attempt row without its URL, so none can need the backfill again', async () => {
    await expect(
      database.sql`insert into delivery_attempts (id, delivery_id, tenant_id, attempt_number, path, started_at, duration_ms, request_headers, outcome)
                   values ('att_no_url', 'dlv_x', 'ten_x', 1, 'FAST', now(), 1, '{}', 'TIMEOUT')`,
    ).rejects.toMatchObject({ code: '23502' });
  });

  it('drops stored custom headers that the current rules refuse, and logs their names without values', async () => {
    const {
      endpoints: [bad, good],
    } = await tenantWithEndpoints(database, 2);
    const stored = {
      'X-Tenant': 'acme',
      Connection: 'close',
      'Content-Length': '5',
      'X-Broken': 'line\r\nInjected: yes',
      'X Space': 'v',
      'X-Accent': 'café',
    };
    await database.db.update(endpoints).set({ headers: stored }).where(eq(endpoints.id, bad!.id));
    await database.db
      .update(endpoints)
      .set({ headers: { 'x-ok': 'fine' } })
      .where(eq(endpoints.id, good!.id));
    const { logged } = await rerun('drop_refused_endpoint_headers');
    const [after] = await database.db.select().from(endpoints).where(eq(endpoints.id, bad!.id));
    expect(after!.headers).toEqual({ 'x-tenant': 'acme' });
    const [untouched] = await database.db.select().from(endpoints).where(eq(endpoints.id, good!.id));
    expect(untouched!.headers).toEqual({ 'x-ok': 'fine' });
    const entry = logged.find((l) => l.fields.endpointId === bad!.id);
    // jsonb keeps keys in its own order, not the order written.
    expect([...((entry?.fields.droppedHeaders as string[]) ?? [])].sort()).toEqual([
      'Connection',
      'Content-Length',
      'X Space',
      'X-Accent',
      'X-Broken',
    ]);
    expect(JSON.stringify(logged)).not.toContain('Injected');
    expect(logged.some((l) => l.fields.endpointId === good!.id)).toBe(false);
  });

  it('keeps stored headers within the count and size limits, in the order given', () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`x-h${i}`, 'v']));
    const { kept, dropped } = allowedHeaders(many);
    expect(Object.keys(kept)).toEqual(Array.from({ length: 20 }, (_, i) => `x-h${i}`));
    expect(dropped).toEqual(['x-h20', 'x-h21', 'x-h22', 'x-h23', 'x-h24']);
    const big = allowedHeaders({ 'x-a': 'a'.repeat(4000), 'x-b': 'b'.repeat(4000), 'x-c': 'c'.repeat(4000) });
    expect(Object.keys(big.kept)).toEqual(['x-a', 'x-b']);
    expect(big.dropped).toEqual(['x-c']);
    expect(allowedHeaders({ 'X-Dup': '1', 'x-dup': '2', 'x-num': 7 as unknown as string })).toEqual({
      kept: { 'x-dup': '1' },
      dropped: ['x-dup', 'x-num'],
    });
  });

  it('cancels deliveries still pending for an event whose payload was expunged before expunging cancelled them', async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    const [gone, kept] = await publishMany(database, tenant.id, 2);
    await database.sql`update events set payload = null, payload_expunged_at = now() where id = ${gone!.event.id}`;
    await rerun('cancel_pending_of_expunged_events');
    const status = async (id: string) =>
      (
        await database.db
          .select({ status: deliveries.status, cancelReason: deliveries.cancelReason })
          .from(deliveries)
          .where(eq(deliveries.id, id))
      )[0];
    expect(await status(gone!.deliveries[0]!.id)).toEqual({ status: 'CANCELLED', cancelReason: 'PAYLOAD_EXPUNGED' });
    expect(await status(kept!.deliveries[0]!.id)).toEqual({ status: 'PENDING', cancelReason: null });
    const [pending] = await database.db
      .select({ count: sql<number>`count(*)::int` })
      .from(deliveries)
      .where(sql`status = 'PENDING' and event_id in (select id from events where payload_expunged_at is not null)`);
    expect(pending?.count).toBe(0);
  });
});
