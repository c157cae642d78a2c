import type postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { rememberEventTypes, selectEventTypeVersions } from '../event-types/event-type-versions.ts';
import { newId } from '../ids.ts';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { type NewEvent, storedEvents, storeEvents } from './store-events.ts';

const database = testDatabase();
afterAll(() => database.close());

const typesOf = async (sql: postgres.Sql, tenantId: string) => [
  ...rememberEventTypes(tenantId, ['invoice.paid'], await selectEventTypeVersions(sql, tenantId, ['invoice.paid'])).values(),
];

const event = (consumerId: string | null = null): NewEvent => ({
  id: newId('evt'),
  eventType: 'invoice.paid',
  consumerId,
  json: '{"n":1}',
  idempotencyKey: null,
  traceParent: null,
});

describe('storeEvents, one statement that scopes itself to the tenant', () => {
  it('runs its writes as the Row-Level Security role with the tenant set, for as long as the transaction', async () => {
    const { tenant } = await tenantWithEndpoints(database, 2);
    const types = await typesOf(database.sql, tenant.id);
    const connection = await database.sql.reserve();
    const seen = await (async () => {
      await connection`begin`;
      const [rows] = storeEvents(connection, tenant.id, [event()], types, 0);
      const stored = storedEvents(tenant.id, [await rows]);
      const [who] = await connection<{ role: string; tenant: string }[]>`
        select current_user as role, current_setting('acme.tenant_id', true) as tenant`;
      return { stored, who };
    })().finally(async () => {
      await connection`rollback`;
      connection.release();
    });
    expect(seen.who).toEqual({ role: 'acme_app', tenant: tenant.id });
    expect(seen.stored.typesCurrent).toBe(true);
    expect(seen.stored.deliveries).toHaveLength(2);
  });

  it('called on its own, is its own transaction and leaves the connection as it found it', async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    const types = await typesOf(database.sql, tenant.id);
    const connection = await database.sql.reserve();
    try {
      const stored = storedEvents(tenant.id, [await storeEvents(connection, tenant.id, [event()], types, 0)[0]]);
      expect(stored.events[0]?.tenantId).toBe(tenant.id);
      const [after] = await connection<{ role: string; tenant: string | null }[]>`
        select current_user as role, nullif(current_setting('acme.tenant_id', true), '') as tenant`;
      expect(after).toEqual({ role: 'postgres', tenant: null });
      // Committed: another connection sees it.
      const [seen] = await database.sql<
        { n: number }[]
      >`select count(*)::int as n from events where id = ${stored.events[0]!.id}`;
      expect(seen?.n).toBe(1);
    } finally {
      connection.release();
    }
  });

  it("never delivers to another tenant's endpoints, nor stores under a type version that moved on", async () => {
    const a = await tenantWithEndpoints(database, 1);
    const b = await tenantWithEndpoints(database, 1);
    const typesOfA = await typesOf(database.sql, a.tenant.id);
    // Tenant B's id with A's type: the type check fails (it is not B's), so nothing is stored.
    const forged = storedEvents(b.tenant.id, [await storeEvents(database.sql, b.tenant.id, [event()], typesOfA, 0)[0]]);
    expect(forged).toMatchObject({ typesCurrent: false, events: [null], deliveries: [] });
    const stale = typesOfA.map((t) => ({ ...t, version: String(BigInt(t.version) - 1n) }));
    const moved = storedEvents(a.tenant.id, [await storeEvents(database.sql, a.tenant.id, [event()], stale, 0)[0]]);
    expect(moved).toMatchObject({ typesCurrent: false, events: [null], deliveries: [] });
  });
});
