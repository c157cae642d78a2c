import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { publishEvent } from '../events/publish-event.ts';
import {
  portalSession,
  publishMany,
  tenantWithEndpoints,
  testDatabase,
  testPublishSettings,
  testSettings,
} from '../testing/fixtures.ts';
import {
  attemptsOfDeliveries,
  deliveriesOfEvents,
  getDelivery,
  lastAttemptsOf,
  MAX_NESTED_LIST,
  nestedSlice,
} from './get-delivery.ts';
import { listDeadLetters } from './list-dead-letters.ts';
import { listDeliveries } from './list-deliveries.ts';

const database = testDatabase();
afterAll(() => database.close());

async function attempt(deliveryId: string, tenantId: string, attemptNumber: number, durationMs = 10) {
  await database.db.insert(deliveryAttempts).values({
    id: `att_${deliveryId.slice(4)}${attemptNumber}`,
    deliveryId,
    tenantId,
    attemptNumber,
    path: attemptNumber === 1 ? 'FAST' : 'DURABLE',
    startedAt: new Date(),
    durationMs,
    url: 'http://127.0.0.1:9/hook',
    requestHeaders: {},
    outcome: 'HTTP_ERROR',
    responseStatus: 500,
  });
}

describe('listDeliveries, listDeadLetters and the batched loads', () => {
  it('filters by status, endpoint, event and time', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 2);
    const [first, second] = await publishMany(database, tenant.id, 2);
    const dead = first!.deliveries[0]!;
    await database.db
      .update(deliveries)
      .set({ status: 'DEAD_LETTERED', completedAt: new Date() })
      .where(eq(deliveries.id, dead.id));

    const ids = async (filter: Record<string, unknown>) =>
      (await listDeliveries(database.db, caller, { filter })).nodes.map((d) => d.id);
    expect(await ids({})).toHaveLength(4);
    expect(await ids({ status: 'DEAD_LETTERED' })).toEqual([dead.id]);
    expect((await ids({ endpointId: endpoints[0]!.id })).sort()).toEqual(
      [first!, second!].flatMap((p) => p.deliveries.filter((d) => d.endpointId === endpoints[0]!.id).map((d) => d.id)).sort(),
    );
    expect((await ids({ eventId: second!.event.id })).sort()).toEqual(second!.deliveries.map((d) => d.id).sort());
    expect(await ids({ until: new Date(0) })).toEqual([]);
    expect((await listDeadLetters(database.db, caller, { since: new Date(Date.now() - 60_000) })).nodes.map((d) => d.id)).toEqual(
      [dead.id],
    );
    expect((await listDeadLetters(database.db, caller, { since: new Date(Date.now() + 60_000) })).nodes).toEqual([]);
  });

  it("finds deliveries by id, at most a page of ids, never another tenant's", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const [a, b, c] = await publishMany(database, tenant.id, 3);
    const [da, db, dc] = [a!, b!, c!].map((p) => p.deliveries[0]!.id);
    const ids = async (filter: Record<string, unknown>, who = caller) =>
      (await listDeliveries(database.db, who, { filter })).nodes.map((d) => d.id);
    expect(await ids({ ids: [da, dc] })).toEqual([dc, da]);
    expect(await ids({ ids: [da, db], status: 'DEAD_LETTERED' })).toEqual([]);
    expect(await ids({ ids: [] })).toEqual([]);
    const other = await tenantWithEndpoints(database, 0);
    expect(await ids({ ids: [da, db, dc] }, other.caller)).toEqual([]);
    await expect(
      listDeliveries(database.db, caller, { filter: { ids: Array.from({ length: 101 }, (_, i) => `dlv_${i}`) } }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'filter.ids' } });
  });

  it('filters dead letters by when they were dead-lettered, since and until', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const [a, b] = await publishMany(database, tenant.id, 2);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await database.db
      .update(deliveries)
      .set({ status: 'DEAD_LETTERED', completedAt: hourAgo })
      .where(eq(deliveries.id, a!.deliveries[0]!.id));
    await database.db
      .update(deliveries)
      .set({ status: 'DEAD_LETTERED', completedAt: new Date() })
      .where(eq(deliveries.id, b!.deliveries[0]!.id));
    const ids = async (range: { since?: Date; until?: Date }) =>
      (await listDeadLetters(database.db, caller, range)).nodes.map((d) => d.id);
    const halfHourAgo = new Date(Date.now() - 1_800_000);
    expect(await ids({ until: halfHourAgo })).toEqual([a!.deliveries[0]!.id]);
    expect(await ids({ since: halfHourAgo })).toEqual([b!.deliveries[0]!.id]);
    expect(await ids({ since: new Date(hourAgo.getTime() - 1000), until: halfHourAgo })).toEqual([a!.deliveries[0]!.id]);
    expect(await (await listDeadLetters(database.db, caller, { until: halfHourAgo })).totalCount()).toEqual({
      count: 1,
      exact: true,
    });
  });

  it('loads attempts, last attempts and deliveries of many at once, within the tenant', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const [a, b] = await publishMany(database, tenant.id, 2);
    const [da, db] = [a!.deliveries[0]!, b!.deliveries[0]!];
    await attempt(da.id, tenant.id, 1);
    await attempt(da.id, tenant.id, 2);
    await attempt(db.id, tenant.id, 1);
    expect((await attemptsOfDeliveries(database.db, caller, [da.id, db.id])).map((x) => [x.deliveryId, x.attemptNumber])).toEqual(
      [
        [da.id, 1],
        [da.id, 2],
        [db.id, 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1])),
    );
    expect(
      new Map((await lastAttemptsOf(database.db, caller, [da.id, db.id])).map((x) => [x.deliveryId, x.attemptNumber])),
    ).toEqual(
      new Map([
        [da.id, 2],
        [db.id, 1],
      ]),
    );
    expect((await deliveriesOfEvents(database.db, caller, [a!.event.id, b!.event.id])).map((d) => d.id)).toEqual([da.id, db.id]);
    const other = await tenantWithEndpoints(database, 0);
    expect(await attemptsOfDeliveries(database.db, other.caller, [da.id])).toEqual([]);
    expect(await getDelivery(database.db, other.caller, da.id)).toBeNull();
  });

  it("caps each delivery's attempts and each event's deliveries at first, and pages on after", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 3);
    const [a, b] = await publishMany(database, tenant.id, 2);
    const [da, db] = [a!.deliveries[0]!, b!.deliveries[0]!];
    for (let n = 1; n <= 5; n++) await attempt(da.id, tenant.id, n);
    for (let n = 1; n <= 3; n++) await attempt(db.id, tenant.id, n);
    const numbers = async (first: number, after: string | null = null) => {
      const rows = await attemptsOfDeliveries(database.db, caller, [da.id, db.id], nestedSlice({ first, after }));
      return [da.id, db.id].map((id) => rows.filter((r) => r.deliveryId === id).map((r) => r.attemptNumber));
    };
    expect(await numbers(2)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(await numbers(2, '2')).toEqual([[3, 4], [3]]);
    expect(await numbers(10, '4')).toEqual([[5], []]);

    const byEvent = async (first: number, after: string | null = null) => {
      const rows = await deliveriesOfEvents(database.db, caller, [a!.event.id, b!.event.id], nestedSlice({ first, after }));
      return [a!, b!].map((p) => rows.filter((r) => r.eventId === p.event.id).map((r) => r.id));
    };
    const all = [a!, b!].map((p) => p.deliveries.map((d) => d.id).sort());
    expect(await byEvent(3)).toEqual(all);
    expect(await byEvent(2)).toEqual(all.map((ids) => ids.slice(0, 2)));
    expect(await byEvent(2, all[0]![1]!)).toEqual([all[0]!.slice(2), all[1]!.filter((id) => id > all[0]![1]!).slice(0, 2)]);
  });

  it('refuses a nested page over the cap, or a cursor that is not an attempt number, with BAD_USER_INPUT', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    expect(() => nestedSlice({ first: MAX_NESTED_LIST + 1 })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'first', limit: MAX_NESTED_LIST } }),
    );
    expect(() => nestedSlice({ first: 0 })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(nestedSlice({})).toEqual({ first: 50, after: null });
    expect(() => attemptsOfDeliveries(database.db, caller, ['dlv_x'], nestedSlice({ after: 'abc' }))).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'after' } }),
    );
  });

  it("shows a portal session only deliveries to its consumer's endpoints", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, {
      url: 'http://127.0.0.1:9/x',
      consumerId: 'acme',
    });
    const publishing = testPublishSettings();
    const mine = await publishEvent(database.db, publishing, caller, {
      eventType: 'invoice.paid',
      payload: {},
      consumerId: 'acme',
    });
    const notMine = await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {} });
    const portal = portalSession(tenant.id, 'acme');
    expect((await listDeliveries(database.db, portal, {})).nodes.map((d) => d.endpointId)).toEqual([endpoint.id]);
    expect(await getDelivery(database.db, portal, notMine.deliveries[0]!.id)).toBeNull();
    expect(await getDelivery(database.db, portal, mine.deliveries[0]!.id)).toMatchObject({ endpointId: endpoint.id });
    await attempt(notMine.deliveries[0]!.id, tenant.id, 1);
    expect(await attemptsOfDeliveries(database.db, portal, [notMine.deliveries[0]!.id])).toEqual([]);
  });
});
