import { deliveries, endpoints, tenants } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { reactivateTenant, suspendTenant } from '../tenants/suspend-tenant.ts';
import { isolatedTestDatabase, publishMany, tenantWithEndpoints, testSettings } from '../testing/fixtures.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import { planRetries } from './plan-retries.ts';
import { takeDeliveryTokens } from './rate-limit.ts';

let database: Database;
beforeAll(async () => {
  database = await isolatedTestDatabase();
});
afterAll(() => database?.close());

const claim = (owner: string, limit = 100) => claimFirstAttempts(database.sql, { owner, limit, leaseMs: 60_000 });
const setRate = (id: string, rateLimit: number) => database.db.update(endpoints).set({ rateLimit }).where(eq(endpoints.id, id));

describe('takeDeliveryTokens', () => {
  it("grants one second's worth at once, then one token per 1/rate seconds", async () => {
    const {
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await setRate(endpoint!.id, 5);
    const before = performance.now();
    expect(await takeDeliveryTokens(database.sql, endpoint!.id, 10)).toEqual({ granted: 5, sending: true });
    expect((await takeDeliveryTokens(database.sql, endpoint!.id, 10)).granted).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    const { granted } = await takeDeliveryTokens(database.sql, endpoint!.id, 10);
    // One token per 200 ms since the burst: at least 2 after the 450 ms sleep, and no more than the
    // time that really passed (a loaded machine may take longer between the statements) allows.
    const elapsedMs = performance.now() - before;
    expect(granted).toBeGreaterThanOrEqual(2);
    expect(granted).toBeLessThanOrEqual(Math.min(5, Math.floor(elapsedMs / 200)));
  });

  it('grants everything asked of an unlimited endpoint', async () => {
    const {
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    expect(await takeDeliveryTokens(database.sql, endpoint!.id, 500)).toEqual({ granted: 500, sending: true });
  });

  it('grants nothing to a paused endpoint or a suspended tenant, and says so', async () => {
    const {
      tenant,
      endpoints: [paused, other],
    } = await tenantWithEndpoints(database, 2);
    await database.db.update(endpoints).set({ status: 'PAUSED' }).where(eq(endpoints.id, paused!.id));
    expect(await takeDeliveryTokens(database.sql, paused!.id, 3)).toEqual({ granted: 0, sending: false });
    await database.db.update(tenants).set({ status: 'SUSPENDED' }).where(eq(tenants.id, tenant.id));
    expect(await takeDeliveryTokens(database.sql, other!.id, 3)).toEqual({ granted: 0, sending: false });
  });
});

describe('the fast-path claim', () => {
  // Claims take any due delivery of the database: start each test without the previous ones' leftovers.
  beforeEach(async () => {
    await database.db.update(deliveries).set({ status: 'CANCELLED' }).where(eq(deliveries.status, 'PENDING'));
  });

  it('claims no more than the rate limit allows, however many dispatchers claim at once', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await setRate(endpoint!.id, 2);
    const ids = (await publishMany(database, tenant.id, 24)).map((p) => p.deliveries[0]!.id);
    // Claims of one row each see different rows (SKIP LOCKED), so only the endpoint's token count stops them.
    const claims = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((owner) => claim(owner, 1)));
    const mine = claims.flat().filter((d) => ids.includes(d.id));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine.length).toBeLessThanOrEqual(2);

    await new Promise((r) => setTimeout(r, 1100));
    const later = (await claim('g')).filter((d) => ids.includes(d.id));
    expect(later.length).toBeGreaterThanOrEqual(1);
    expect(later.length).toBeLessThanOrEqual(2);
  });

  it("does not let a rate-limited endpoint's backlog crowd other endpoints out of the claim", async () => {
    const {
      tenant,
      caller,
      endpoints: [limited],
    } = await tenantWithEndpoints(database, 1);
    await setRate(limited!.id, 1);
    // The limited endpoint's backlog is older than anything of the other's, and would fill a claim window.
    await publishMany(database, tenant.id, 30);
    const { endpoint: other } = await createEndpoint(database.db, testSettings, caller, { url: 'http://127.0.0.1:9/b' });
    const fresh = (await publishMany(database, tenant.id, 3)).flatMap((p) => p.deliveries);

    const first = await claim('f', 3);
    expect(first.map((d) => d.endpoint.id)).toContain(limited!.id);
    expect(first.filter((d) => d.endpoint.id === limited!.id)).toHaveLength(1);
    // Its token spent, the limited endpoint drops out before the window is cut: the other's come next.
    const second = await claim('g', 3);
    expect(second.map((d) => d.id).sort()).toEqual(
      fresh
        .filter((d) => d.endpointId === other.id)
        .map((d) => d.id)
        .sort(),
    );
  });

  it("holds a suspended tenant's first attempts, and releases them on reactivation", async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    const ids = (await publishMany(database, tenant.id, 2)).map((p) => p.deliveries[0]!.id);
    await suspendTenant(database.db, tenant.id);
    expect((await claim('h')).filter((d) => ids.includes(d.id))).toEqual([]);
    await reactivateTenant(database.db, tenant.id);
    expect((await claim('i')).filter((d) => ids.includes(d.id))).toHaveLength(2);
  });
});

describe('planRetries and the rate limit', () => {
  it('waits for the next token when a retry is due but the rate limit is spent', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    await setRate(endpoint!.id, 2);
    const [published] = await publishMany(database, tenant.id, 1);
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', attemptCount: 1, nextAttemptAt: sql`now()` })
      .where(eq(deliveries.id, published!.deliveries[0]!.id));
    expect(await planRetries(database.sql, endpoint!.id)).toBe(0);
    await takeDeliveryTokens(database.sql, endpoint!.id, 2);
    const wait = await planRetries(database.sql, endpoint!.id);
    expect(wait).toBeGreaterThan(300);
    expect(wait).toBeLessThanOrEqual(500);
  });

  it('lets go of a paused endpoint: its retries wait in Postgres for a new hand-off', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const id = published!.deliveries[0]!.id;
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', handedOff: true, attemptCount: 1, nextAttemptAt: sql`now() + interval '1 minute'` })
      .where(eq(deliveries.id, id));
    await database.db.update(endpoints).set({ status: 'PAUSED' }).where(eq(endpoints.id, endpoint!.id));
    expect(await planRetries(database.sql, endpoint!.id)).toBeNull();
    const [held] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(held).toMatchObject({ status: 'PENDING', handler: 'WORKFLOW', handedOff: false });
  });

  it('keeps the next probe of a paused endpoint in recovery, so that a resume probes it again', async () => {
    const {
      tenant,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1);
    const [older] = await publishMany(database, tenant.id, 2);
    await database.db.update(endpoints).set({ status: 'PAUSED', health: 'RECOVERING' }).where(eq(endpoints.id, endpoint!.id));
    expect(await planRetries(database.sql, endpoint!.id)).toBeNull();
    const [probe] = await database.db.select().from(deliveries).where(eq(deliveries.id, older!.deliveries[0]!.id));
    expect(probe).toMatchObject({ handler: 'WORKFLOW', handedOff: false, attemptCount: 0 });
  });
});
