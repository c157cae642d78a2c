import { deliveries, events } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../db/client.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { archiveEventType, unarchiveEventType } from '../event-types/archive-event-type.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { updateEventType } from '../event-types/update-event-type.ts';
import { fullAccess, tenantWithEndpoints, testDatabase, testPublishSettings, testSettings } from '../testing/fixtures.ts';
import { publishEvent, publishEvents } from './publish-event.ts';
import { PublishRateLimiter } from './publish-rate-limiter.ts';

const database = testDatabase();
afterAll(() => database.close());
const settings = testPublishSettings();

describe('publishEvent', () => {
  it('stores the event and one delivery per matching endpoint, by event type and consumer', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'order.created' });
    const url = 'http://127.0.0.1:9/x';
    const all = (await createEndpoint(database.db, testSettings, caller, { url })).endpoint;
    const paid = (await createEndpoint(database.db, testSettings, caller, { url, eventTypes: ['invoice.paid'] })).endpoint;
    await createEndpoint(database.db, testSettings, caller, { url, eventTypes: ['order.created'] });
    const acme = (await createEndpoint(database.db, testSettings, caller, { url, consumerId: 'acme' })).endpoint;

    const plain = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: { n: 1 } });
    expect(plain.deliveries.map((d) => d.endpointId).sort()).toEqual([all.id, paid.id].sort());
    const targeted = await publishEvent(database.db, settings, caller, {
      eventType: 'invoice.paid',
      payload: {},
      consumerId: 'acme',
    });
    expect(targeted.deliveries.map((d) => d.endpointId)).toEqual([acme.id]);
    const [stored] = await database.db.select().from(events).where(eq(events.id, plain.event.id));
    expect(stored).toMatchObject({ tenantId: tenant.id, eventType: 'invoice.paid', payload: { n: 1 } });
  });

  it('returns the first event for a repeated idempotency key, and CONFLICT for a different payload', async () => {
    const { caller } = await tenantWithEndpoints(database, 1);
    const first = await publishEvent(database.db, settings, caller, {
      eventType: 'invoice.paid',
      payload: { a: 1, b: 2 },
      idempotencyKey: 'k1',
    });
    const again = await publishEvent(database.db, settings, caller, {
      eventType: 'invoice.paid',
      payload: { b: 2, a: 1 },
      idempotencyKey: 'k1',
    });
    expect(again.duplicate).toBe(true);
    expect(again.event.id).toBe(first.event.id);
    expect(again.deliveries.map((d) => d.id)).toEqual(first.deliveries.map((d) => d.id));
    await expect(
      publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: { a: 2 }, idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'idempotencyKey' } });
  });

  it('refuses unknown and archived types, and a payload over the limit, with typed errors', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(publishEvent(database.db, settings, caller, { eventType: 'nope', payload: {} })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'eventType' },
    });
    await createEventType(database.db, caller, { name: 'old.type' });
    await archiveEventType(database.db, caller, 'old.type');
    await expect(publishEvent(database.db, settings, caller, { eventType: 'old.type', payload: {} })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(
      publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: 'x'.repeat(256 * 1024) }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['a NUL character in a string', { note: 'a\u0000b' }],
    ['a NUL character in a key', { 'a\u0000': 1 }],
    ['an unpaired surrogate', ['\ud800']],
    ['nesting deeper than 64 levels', JSON.parse(`${'['.repeat(65)}${']'.repeat(65)}`)],
    ['nesting deep enough to overflow JSON.stringify', JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`)],
  ])('refuses a payload with %s as BAD_USER_INPUT on payload', async (_, payload) => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'payload' },
    });
  });

  it('stores a payload nested 64 levels deep, with non-ASCII text and paired surrogates', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const payload = { deep: JSON.parse(`${'['.repeat(63)}"caf\u00e9 \ud83d\ude00"${']'.repeat(63)}`) };
    const { event } = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload });
    expect(event.payload).toEqual(payload);
  });

  it("waits the schedule's first delay before the first attempt: the endpoint's, else the tenant's, else the default", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const url = 'http://127.0.0.1:9/x';
    const own = (await createEndpoint(database.db, testSettings, caller, { url, retrySchedule: '30s,1s' })).endpoint;
    const plain = (await createEndpoint(database.db, testSettings, caller, { url })).endpoint;
    const { deliveries: made } = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: {} });
    const waitOf = async (endpointId: string) => {
      const [row] = await database.sql<{ wait_ms: number }[]>`
        select extract(epoch from (next_attempt_at - created_at)) * 1000 as wait_ms
          from deliveries where event_id = ${made[0]!.eventId} and endpoint_id = ${endpointId}`;
      return Number(row!.wait_ms);
    };
    expect(await waitOf(own.id)).toBeGreaterThanOrEqual(29_000);
    expect(await waitOf(own.id)).toBeLessThanOrEqual(31_000);
    expect(await waitOf(plain.id)).toBeLessThan(1_000);

    await database.sql`update tenants set retry_schedule = '1h,1s' where id = ${tenant.id}`;
    const { deliveries: later } = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: {} });
    const [row] = await database.sql<{ wait_ms: number }[]>`
      select extract(epoch from (next_attempt_at - created_at)) * 1000 as wait_ms
        from deliveries where event_id = ${later[0]!.eventId} and endpoint_id = ${plain.id}`;
    expect(Number(row!.wait_ms)).toBeGreaterThanOrEqual(3_599_000);
  });

  it('reads every unit of a stored schedule in the insert as parseRetrySchedule does', async () => {
    // The publish statement picks the endpoints itself, so it reads their schedules' first delay in
    // SQL: this keeps that reading and parseRetrySchedule's grammar the same.
    const { caller } = await tenantWithEndpoints(database, 0);
    const schedules = ['250ms,1s', '2s,1s', ' 3m ,1s', '1h,1s', '2d,1s'];
    const made = [];
    for (const [i, retrySchedule] of schedules.entries())
      made.push(
        (await createEndpoint(database.db, testSettings, caller, { url: `http://127.0.0.1:9/${i}`, retrySchedule })).endpoint,
      );
    const { deliveries: created } = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: {} });
    for (const [i, endpoint] of made.entries()) {
      const [row] = await database.sql<{ wait_ms: number }[]>`
        select extract(epoch from (next_attempt_at - created_at)) * 1000 as wait_ms
          from deliveries where event_id = ${created[0]!.eventId} and endpoint_id = ${endpoint.id}`;
      const expected = parseRetrySchedule(schedules[i]!)[0]!;
      expect(Math.abs(Number(row!.wait_ms) - expected), schedules[i]).toBeLessThan(1_000);
    }
  });

  it("applies the tenant's own payload limit over the gateway default", async () => {
    const { tenant } = await tenantWithEndpoints(database, 0);
    const small = { ...fullAccess(tenant.id), limits: { publishRatePerSecond: null, publishBurst: null, maxPayloadBytes: 1024 } };
    await expect(
      publishEvent(database.db, settings, small, { eventType: 'invoice.paid', payload: 'x'.repeat(2000) }),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 1024 } });
  });

  it('checks the payload against the type’s JSON Schema and names the failing path', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const schema = {
      type: 'object',
      required: ['amount', 'lines'],
      properties: {
        amount: { type: 'integer', minimum: 0 },
        lines: { type: 'array', items: { type: 'object', required: ['sku'] } },
      },
    };
    await createEventType(database.db, caller, { name: 'invoice.created', schema });
    const ok = { amount: 5, lines: [{ sku: 'a' }] };
    await publishEvent(database.db, settings, caller, { eventType: 'invoice.created', payload: ok });
    await expect(
      publishEvent(database.db, settings, caller, { eventType: 'invoice.created', payload: { ...ok, amount: -1 } }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'payload/amount' } });
    await expect(
      publishEvent(database.db, settings, caller, { eventType: 'invoice.created', payload: { amount: 1, lines: [{}] } }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'payload/lines/0/sku' } });
  });

  it('validates against the new schema as soon as the type is updated', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'v.type', schema: { type: 'object' } });
    await publishEvent(database.db, settings, caller, { eventType: 'v.type', payload: {} });
    await updateEventType(database.db, caller, 'v.type', { schema: { type: 'object', required: ['id'] } });
    await expect(publishEvent(database.db, settings, caller, { eventType: 'v.type', payload: {} })).rejects.toMatchObject({
      details: { field: 'payload/id' },
    });
  });

  it('refuses a type archived since this process last published it, and accepts it again once unarchived', async () => {
    const { caller } = await tenantWithEndpoints(database, 1);
    await createEventType(database.db, caller, { name: 'arch.type' });
    await publishEvent(database.db, settings, caller, { eventType: 'arch.type', payload: {} });
    await archiveEventType(database.db, caller, 'arch.type');
    await expect(publishEvent(database.db, settings, caller, { eventType: 'arch.type', payload: {} })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'eventType' },
    });
    await unarchiveEventType(database.db, caller, 'arch.type');
    const again = await publishEvent(database.db, settings, caller, { eventType: 'arch.type', payload: {} });
    expect(again.deliveries).toHaveLength(1);
  });

  it('gives each delivery an id of the same form as every other id, sortable by creation', async () => {
    const { caller, endpoints } = await tenantWithEndpoints(database, 3);
    const first = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: {} });
    const second = await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: {} });
    expect(first.deliveries.map((d) => d.endpointId).sort()).toEqual(endpoints.map((e) => e.id).sort());
    for (const d of [...first.deliveries, ...second.deliveries]) expect(d.id).toMatch(/^dlv_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set([...first.deliveries, ...second.deliveries].map((d) => d.id)).size).toBe(6);
    const newestFirst = first.deliveries.map((d) => d.id).sort()[2]!;
    expect(second.deliveries.every((d) => d.id.slice(0, 14) >= newestFirst.slice(0, 14))).toBe(true);
  });

  it('answers RATE_LIMITED with retryAfterSeconds once the tenant’s bucket is empty', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const tight = {
      ...settings,
      rateLimiter: new PublishRateLimiter(),
      defaults: { ...settings.defaults, publishRatePerSecond: 1, publishBurst: 2 },
    };
    await publishEvent(database.db, tight, caller, { eventType: 'invoice.paid', payload: {} });
    await publishEvent(database.db, tight, caller, { eventType: 'invoice.paid', payload: {} });
    await expect(publishEvent(database.db, tight, caller, { eventType: 'invoice.paid', payload: {} })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 1 },
    });
  });
});

describe('publishEvents', () => {
  it('stores a batch in one transaction and answers in order', async () => {
    const { caller, endpoints } = await tenantWithEndpoints(database, 1);
    const { results } = await publishEvents(
      database.db,
      settings,
      caller,
      Array.from({ length: 100 }, (_, i) => ({ eventType: 'invoice.paid', payload: { i } })),
    );
    expect(results).toHaveLength(100);
    expect(results.map((r) => r.event.payload)).toEqual(Array.from({ length: 100 }, (_, i) => ({ i })));
    expect(results.every((r) => r.deliveries.length === 1 && r.deliveries[0]!.endpointId === endpoints[0]!.id)).toBe(true);
  });

  it('stores nothing when one event is invalid, and names its index', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    const batch = [
      { eventType: 'invoice.paid', payload: { i: 0 } },
      { eventType: 'invoice.paid', payload: { i: 1 } },
      { eventType: 'no.such.type', payload: { i: 2 } },
    ];
    await expect(publishEvents(database.db, settings, caller, batch)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { index: 2, field: 'events/2/eventType' },
    });
    expect(await database.db.select().from(events).where(eq(events.tenantId, tenant.id))).toEqual([]);
    expect(await database.db.select().from(deliveries).where(eq(deliveries.tenantId, tenant.id))).toEqual([]);
  });

  it('refuses an empty batch and one over 100 events', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(publishEvents(database.db, settings, caller, [])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const tooMany = Array.from({ length: 101 }, () => ({ eventType: 'invoice.paid', payload: {} }));
    await expect(publishEvents(database.db, settings, caller, tooMany)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('treats a key repeated within the batch as the same event', async () => {
    const { caller } = await tenantWithEndpoints(database, 1);
    const event = { eventType: 'invoice.paid', payload: { x: 1 }, idempotencyKey: 'same' };
    const { results } = await publishEvents(database.db, settings, caller, [event, event]);
    expect(results[1]!.event.id).toBe(results[0]!.event.id);
    expect(results[1]!.duplicate).toBe(true);
    await expect(
      publishEvents(database.db, settings, caller, [
        { ...event, idempotencyKey: 'other' },
        { ...event, idempotencyKey: 'other', payload: { x: 2 } },
      ]),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { index: 1 } });
  });

  it('stores nothing of a batch in which one key was used before for a different event', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    await publishEvent(database.db, settings, caller, { eventType: 'invoice.paid', payload: { x: 1 }, idempotencyKey: 'k' });
    await expect(
      publishEvents(database.db, settings, caller, [
        { eventType: 'invoice.paid', payload: { y: 1 } },
        { eventType: 'invoice.paid', payload: { x: 2 }, idempotencyKey: 'k' },
      ]),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { index: 1, field: 'events/1/idempotencyKey' } });
    expect(await database.db.select().from(events).where(eq(events.tenantId, tenant.id))).toHaveLength(1);
    expect(await database.db.select().from(deliveries).where(eq(deliveries.tenantId, tenant.id))).toHaveLength(1);
  });

  it('answers a batch of repeated keys with one statement, however many repeat, each with its own event and deliveries', async () => {
    const { caller } = await tenantWithEndpoints(database, 2);
    const statements: string[] = [];
    const counted = connectDatabase(inject('databaseUrl'), { max: 1, onQuery: (q) => statements.push(q) });
    try {
      const batch = (n: number, prefix: string) =>
        Array.from({ length: n }, (_, i) => ({ eventType: 'invoice.paid', payload: { i }, idempotencyKey: `${prefix}-${i}` }));
      const repeatAll = async (n: number, prefix: string) => {
        const first = await publishEvents(counted.db, settings, caller, batch(n, prefix));
        statements.length = 0;
        const again = await publishEvents(counted.db, settings, caller, batch(n, prefix));
        return { first: first.results, again: again.results, statements: statements.length };
      };
      const few = await repeatAll(2, 'few');
      const many = await repeatAll(60, 'many');
      // The same round trips for 60 repeats as for 2: no statement per repeated event.
      expect(many.statements).toBe(few.statements);
      expect(many.again.every((r) => r.duplicate)).toBe(true);
      expect(many.again.map((r) => r.event.id)).toEqual(many.first.map((r) => r.event.id));
      expect(many.again.map((r) => r.event.payload)).toEqual(many.first.map((_, i) => ({ i })));
      expect(many.again.map((r) => r.deliveries.map((d) => d.id))).toEqual(many.first.map((r) => r.deliveries.map((d) => d.id)));
      expect(many.again.every((r) => r.deliveries.length === 2)).toBe(true);
    } finally {
      await counted.close();
    }
  });
});
