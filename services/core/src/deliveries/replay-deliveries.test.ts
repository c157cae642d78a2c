import { auditLog, deliveries } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { expungeEventPayload } from '../events/expunge-event-payload.ts';
import { publishEvent } from '../events/publish-event.ts';
import {
  portalSession,
  publishMany,
  tenantWithEndpoints,
  testDatabase,
  testPublishSettings,
  testSettings,
} from '../testing/fixtures.ts';
import { replayDeadLetters, replayDelivery } from './replay-deliveries.ts';
import { retryDeliveryNow, retryEndpointNow } from './retry-now.ts';

const database = testDatabase();
afterAll(() => database.close());

const deadLetter = (id: string) =>
  database.db
    .update(deliveries)
    .set({ status: 'DEAD_LETTERED', completedAt: new Date(), attemptCount: 3 })
    .where(eq(deliveries.id, id));

describe('replayDelivery, replayDeadLetters, retryDeliveryNow, retryEndpointNow', () => {
  it('requeues a dead letter for its workflow with a fresh schedule, and audits it', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const [p] = await publishMany(database, tenant.id, 1);
    const id = p!.deliveries[0]!.id;
    await expect(replayDelivery(database.db, caller, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await deadLetter(id);
    const replayed = await replayDelivery(database.db, caller, id);
    expect(replayed).toMatchObject({
      status: 'PENDING',
      handler: 'WORKFLOW',
      handedOff: false,
      scheduleBase: 3,
      completedAt: null,
    });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'replayDelivery')));
    expect(entry).toMatchObject({ targetId: id, actorKind: 'API_KEY' });
  });

  it("replays in bulk only the caller's dead letters, and a portal session's only its consumer's", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    await createEndpoint(database.db, testSettings, caller, { url: 'http://127.0.0.1:9/x', consumerId: 'acme' });
    const publishing = testPublishSettings();
    const mine = await publishEvent(database.db, publishing, caller, {
      eventType: 'invoice.paid',
      payload: {},
      consumerId: 'acme',
    });
    const [other] = await publishMany(database, tenant.id, 1);
    await deadLetter(mine.deliveries[0]!.id);
    await deadLetter(other!.deliveries[0]!.id);
    const stranger = await tenantWithEndpoints(database, 0);
    expect((await replayDeadLetters(database.db, stranger.caller, {})).deliveries).toEqual([]);
    const portal = await replayDeadLetters(database.db, portalSession(tenant.id, 'acme'), {});
    expect(portal.deliveries.map((d) => d.id)).toEqual([mine.deliveries[0]!.id]);
    expect((await replayDeadLetters(database.db, caller, { since: new Date(Date.now() + 60_000) })).deliveries).toEqual([]);
    expect((await replayDeadLetters(database.db, caller, {})).deliveries.map((d) => d.id)).toEqual([other!.deliveries[0]!.id]);
  });

  it('replays at most a batch per call, the oldest first, and says how many are left for the next call', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const ids = (await publishMany(database, tenant.id, 7)).map((p) => p.deliveries[0]!.id);
    for (const [i, id] of ids.entries())
      await database.db
        .update(deliveries)
        .set({ status: 'DEAD_LETTERED', completedAt: new Date(Date.now() - (10 - i) * 60_000) })
        .where(eq(deliveries.id, id));
    const first = await replayDeadLetters(database.db, caller, {}, 3);
    expect(first.deliveries.map((d) => d.id)).toEqual(ids.slice(0, 3).reverse());
    expect(first.remainingCount).toBe(4);
    const second = await replayDeadLetters(database.db, caller, {}, 3);
    expect(second.deliveries.map((d) => d.id)).toEqual(ids.slice(3, 6).reverse());
    const last = await replayDeadLetters(database.db, caller, {}, 3);
    expect(last).toMatchObject({ remainingCount: 0 });
    expect(last.deliveries.map((d) => d.id)).toEqual([ids[6]]);
  });

  it('replays in bulk those dead-lettered in a time range, and returns them newest first', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const published = await publishMany(database, tenant.id, 3);
    const [old, recent, newest] = published.map((p) => p.deliveries[0]!.id);
    await database.db
      .update(deliveries)
      .set({ status: 'DEAD_LETTERED', completedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(deliveries.id, old!));
    await deadLetter(recent!);
    await deadLetter(newest!);
    const halfHourAgo = new Date(Date.now() - 1_800_000);
    expect((await replayDeadLetters(database.db, caller, { until: halfHourAgo })).deliveries.map((d) => d.id)).toEqual([old]);
    expect((await replayDeadLetters(database.db, caller, {})).deliveries.map((d) => d.id)).toEqual([newest, recent]);
  });

  it('refuses to replay a delivery whose payload was expunged, and leaves it out of a bulk replay', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 1);
    const [gone, kept] = await publishMany(database, tenant.id, 2);
    await deadLetter(gone!.deliveries[0]!.id);
    await deadLetter(kept!.deliveries[0]!.id);
    await expungeEventPayload(database.db, caller, gone!.event.id);

    await expect(replayDelivery(database.db, caller, gone!.deliveries[0]!.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    const bulk = await replayDeadLetters(database.db, caller, { endpointId: endpoints[0]!.id, since: new Date(0) });
    expect(bulk.deliveries.map((d) => d.id)).toEqual([kept!.deliveries[0]!.id]);
    const [still] = await database.db.select().from(deliveries).where(eq(deliveries.id, gone!.deliveries[0]!.id));
    expect(still).toMatchObject({ status: 'DEAD_LETTERED' });
  });

  it("answers NOT_FOUND for another tenant's delivery and endpoint", async () => {
    const a = await tenantWithEndpoints(database, 1);
    const b = await tenantWithEndpoints(database, 1);
    const [p] = await publishMany(database, b.tenant.id, 1);
    await deadLetter(p!.deliveries[0]!.id);
    await expect(replayDelivery(database.db, a.caller, p!.deliveries[0]!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(retryDeliveryNow(database.db, a.caller, p!.deliveries[0]!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(retryEndpointNow(database.db, a.caller, b.endpoints[0]!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(replayDeadLetters(database.db, a.caller, { endpointId: b.endpoints[0]!.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('makes a waiting retry due now, one or all of an endpoint', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 1);
    const [p] = await publishMany(database, tenant.id, 1);
    const id = p!.deliveries[0]!.id;
    await expect(retryDeliveryNow(database.db, caller, id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', handedOff: true, nextAttemptAt: new Date(Date.now() + 3600_000) })
      .where(eq(deliveries.id, id));
    const due = await retryDeliveryNow(database.db, caller, id);
    expect(due.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // Until its workflow is woken: should the caller's signal fail (Temporal down), the sweep wakes it.
    expect(due.handedOff).toBe(false);
    expect(await retryEndpointNow(database.db, caller, endpoints[0]!.id)).toEqual([{ id, endpointId: endpoints[0]!.id }]);
  });
});
