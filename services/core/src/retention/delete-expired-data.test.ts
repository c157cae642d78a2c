import { deliveries, deliveryAttempts, events } from '@acme/schema/db';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../ids.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { deleteExpiredData } from './delete-expired-data.ts';

const database = testDatabase();
afterAll(() => database.close());
const DAY = 86_400_000;

/** `count` published events, each with one delivery carrying one attempt, all `ageDays` old. */
async function history(count: number, ageDays: number, status: 'SUCCEEDED' | 'PENDING' = 'SUCCEEDED') {
  const { tenant } = await tenantWithEndpoints(database, 1);
  const published = await publishMany(database, tenant.id, count);
  const eventIds = published.map((p) => p.event.id);
  const deliveryIds = published.flatMap((p) => p.deliveries.map((d) => d.id));
  const at = new Date(Date.now() - ageDays * DAY);
  await database.db.update(events).set({ createdAt: at }).where(inArray(events.id, eventIds));
  await database.db.update(deliveries).set({ status }).where(inArray(deliveries.id, deliveryIds));
  await database.db.insert(deliveryAttempts).values(
    deliveryIds.map((deliveryId) => ({
      id: newId('att'),
      deliveryId,
      tenantId: tenant.id,
      attemptNumber: 1,
      path: 'FAST' as const,
      startedAt: at,
      durationMs: 12,
      url: 'http://127.0.0.1:9/hook',
      requestHeaders: {},
      outcome: status === 'PENDING' ? ('HTTP_ERROR' as const) : ('SUCCESS' as const),
    })),
  );
  return { eventIds, deliveryIds };
}

async function state({ eventIds, deliveryIds }: { eventIds: string[]; deliveryIds: string[] }) {
  const evs = await database.db
    .select({ payload: events.payload, expungedAt: events.payloadExpungedAt })
    .from(events)
    .where(inArray(events.id, eventIds));
  const [attempts] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.deliveryId, deliveryIds));
  const [kept] = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(inArray(deliveries.id, deliveryIds));
  return {
    payloads: evs.filter((e) => e.payload !== null).length,
    expunged: evs.filter((e) => e.expungedAt !== null).length,
    attempts: attempts!.n,
    deliveries: kept!.n,
  };
}

describe('deleteExpiredData', () => {
  it('deletes attempts and expunges payloads past the cutoff in batches, and keeps deliveries and newer data', async () => {
    const old = await history(5, 40);
    const recent = await history(2, 1);
    const batches: number[] = [];
    const result = await deleteExpiredData(database.sql, {
      cutoff: new Date(Date.now() - 30 * DAY),
      batchSize: 2,
      onBatch: (p) => batches.push(p.attemptsDeleted + p.payloadsExpunged),
    });
    expect(result.done).toBe(true);
    expect(result.attemptsDeleted).toBeGreaterThanOrEqual(5);
    expect(result.payloadsExpunged).toBeGreaterThanOrEqual(5);
    // 5 rows of each kind at 2 per statement: at least 3 statements each.
    expect(batches.length).toBeGreaterThanOrEqual(6);
    expect(await state(old)).toEqual({ payloads: 0, expunged: 5, attempts: 0, deliveries: 5 });
    expect(await state(recent)).toEqual({ payloads: 2, expunged: 0, attempts: 2, deliveries: 2 });
  });

  it('keeps the payload of an old event whose delivery is still pending, since it is still to be sent', async () => {
    const waiting = await history(1, 40, 'PENDING');
    await deleteExpiredData(database.sql, { cutoff: new Date(Date.now() - 30 * DAY) });
    expect(await state(waiting)).toEqual({ payloads: 1, expunged: 0, attempts: 0, deliveries: 1 });
  });

  it('stops when its time budget is spent, and a later run finishes the job; a run with nothing to do changes nothing', async () => {
    const old = await history(3, 40);
    const cutoff = new Date(Date.now() - 30 * DAY);
    const cut = await deleteExpiredData(database.sql, { cutoff, batchSize: 1, budgetMs: 0 });
    expect(cut).toEqual({ attemptsDeleted: 0, payloadsExpunged: 0, done: false });
    expect(await state(old)).toMatchObject({ payloads: 3, attempts: 3 });
    expect((await deleteExpiredData(database.sql, { cutoff, batchSize: 1 })).done).toBe(true);
    expect(await state(old)).toEqual({ payloads: 0, expunged: 3, attempts: 0, deliveries: 3 });
    const [before] = await database.db
      .select({ at: events.payloadExpungedAt })
      .from(events)
      .where(inArray(events.id, old.eventIds));
    await deleteExpiredData(database.sql, { cutoff });
    const [after] = await database.db
      .select({ at: events.payloadExpungedAt })
      .from(events)
      .where(inArray(events.id, old.eventIds));
    expect(after!.at).toEqual(before!.at);
  });
});
