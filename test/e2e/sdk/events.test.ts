// acme.events.* through the SDK against a real gateway (API + worker, real Postgres and Temporal,
// receivers on loopback).
import { ConflictError, type Event, InvalidRequestError, NotFoundError, PayloadTooLargeError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();

describe('events.publish', () => {
  it('publishes an event, reads it back with its deliveries, and follows the delivery to SUCCEEDED', async () => {
    const target = await bed.receiver();
    const { acme } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: target.url });
    const { event, deliveries } = await acme.events.publish({
      eventType: 'invoice.paid',
      payload: { invoiceId: 'inv_42', amount: 4200 },
      idempotencyKey: 'invoice-42-paid',
    });
    expect(event).toMatchObject({
      eventType: 'invoice.paid',
      consumerId: null,
      payload: { invoiceId: 'inv_42', amount: 4200 },
      idempotencyKey: 'invoice-42-paid',
      payloadExpungedAt: null,
    });
    expect(deliveries).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        attemptCount: 0,
        endpoint: { id: endpoint.id, url: target.url },
        event: { id: event.id, eventType: 'invoice.paid', consumerId: null, createdAt: event.createdAt },
        lastAttempt: null,
      }),
    ]);

    const done = await waitForDelivery(acme, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts[0]).toMatchObject({
      attemptNumber: 1,
      path: 'FAST',
      outcome: 'SUCCESS',
      responseStatus: 200,
      url: target.url,
    });
    expect(target.requests[0]!.headers['webhook-id']).toBe(event.id);

    const read = await acme.events.get(event.id);
    expect(read).toEqual({ ...event, deliveries: [expect.objectContaining({ id: deliveries[0]!.id, status: 'SUCCEEDED' })] });
    expect(read.deliveries[0]!.lastAttempt).toMatchObject({ attemptNumber: 1, outcome: 'SUCCESS', responseStatus: 200 });
  });

  it('answers a repeat with the same idempotency key with the first event and its deliveries as they are now', async () => {
    const target = await bed.receiver();
    const { acme } = await bed.tenant();
    await acme.endpoints.create({ url: target.url });
    const input = { eventType: 'invoice.paid', payload: { invoiceId: 'inv_9' }, idempotencyKey: 'inv-9' };
    const first = await acme.events.publish(input);
    await waitForDelivery(acme, first.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');

    const again = await acme.events.publish(input);
    expect(again.event).toEqual(first.event);
    expect(again.deliveries).toEqual([
      expect.objectContaining({
        id: first.deliveries[0]!.id,
        status: 'SUCCEEDED',
        attemptCount: 1,
        lastAttempt: expect.objectContaining({ attemptNumber: 1, outcome: 'SUCCESS' }),
      }),
    ]);
    expect(target.requests).toHaveLength(1);
  });

  it('gives a generated idempotency key to a publish without one', async () => {
    const { acme } = await bed.tenant();
    const { event } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    expect(event.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps publish refusals: unknown type, reused key, payload over the limit', async () => {
    const { acme } = await bed.tenant();
    await expect(acme.events.publish({ eventType: 'no.such', payload: {} })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'eventType',
    });
    await acme.events.publish({ eventType: 'invoice.paid', payload: { a: 1 }, idempotencyKey: 'k1' });
    const reused = await acme.events
      .publish({ eventType: 'invoice.paid', payload: { a: 2 }, idempotencyKey: 'k1' })
      .catch((e) => e);
    expect(reused).toBeInstanceOf(ConflictError);
    expect(reused.details.field).toBe('idempotencyKey');
    const huge = await acme.events
      .publish({ eventType: 'invoice.paid', payload: { blob: 'x'.repeat(300 * 1024) } })
      .catch((e) => e);
    expect(huge).toBeInstanceOf(PayloadTooLargeError);
    expect(huge).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('throws NotFoundError for an event that is not the caller’s', async () => {
    const a = await bed.tenant();
    const b = await bed.tenant();
    const { event } = await a.acme.events.publish({ eventType: 'invoice.paid', payload: {} });
    await expect(b.acme.events.get(event.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.acme.events.expungePayload(event.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(a.acme.events.get(event.id)).resolves.toMatchObject({ id: event.id, payload: {} });
  });
});

describe('events.publishBatch', () => {
  it('stores every event with its deliveries, one result per event in order, each delivered', async () => {
    const target = await bed.receiver();
    const { acme } = await bed.tenant();
    await acme.eventTypes.create({ name: 'order.shipped' });
    const { endpoint } = await acme.endpoints.create({ url: target.url });
    const { endpoint: forCustomer } = await acme.endpoints.create({ url: target.url, consumerId: 'cus_1' });

    const results = await acme.events.publishBatch([
      { eventType: 'invoice.paid', payload: { n: 0 } },
      { eventType: 'order.shipped', payload: { n: 1 }, consumerId: 'cus_1', idempotencyKey: 'ship-1' },
      { eventType: 'invoice.paid', payload: { n: 2 } },
    ]);
    expect(results.map((r) => [r.event.eventType, r.event.payload, r.deliveries.map((d) => d.endpoint.id)])).toEqual([
      ['invoice.paid', { n: 0 }, [endpoint.id]],
      ['order.shipped', { n: 1 }, [forCustomer.id]],
      ['invoice.paid', { n: 2 }, [endpoint.id]],
    ]);
    expect(results[1]!.event).toMatchObject({ consumerId: 'cus_1', idempotencyKey: 'ship-1' });
    // Every event carries a key, generated when none was given, so a retried batch stores nothing twice.
    for (const { event } of results) expect(event.idempotencyKey).toEqual(expect.any(String));
    expect(new Set(results.map((r) => r.event.idempotencyKey)).size).toBe(3);

    const received = await target.waitFor(3);
    expect(received.map((r) => r.headers['webhook-id']).sort()).toEqual(results.map((r) => r.event.id).sort());
  });

  it('is all or nothing: one bad event refuses the batch, naming its index', async () => {
    const { acme } = await bed.tenant();
    const error = await acme.events
      .publishBatch([
        { eventType: 'invoice.paid', payload: { n: 0 } },
        { eventType: 'no.such', payload: { n: 1 } },
      ])
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'events/1/eventType', details: { index: 1 } });
    await expect(acme.events.list()).resolves.toMatchObject({ items: [] });

    await expect(acme.events.publishBatch([])).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'events' });
    const tooMany = Array.from({ length: 101 }, (_, n) => ({ eventType: 'invoice.paid', payload: { n } }));
    await expect(acme.events.publishBatch(tooMany)).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'events' });
  });

  it('answers a repeated batch with the first events: keys given and kept make it idempotent', async () => {
    const { acme } = await bed.tenant();
    const batch = [
      { eventType: 'invoice.paid', payload: { n: 0 }, idempotencyKey: 'b-0' },
      { eventType: 'invoice.paid', payload: { n: 1 }, idempotencyKey: 'b-1' },
    ];
    const first = await acme.events.publishBatch(batch);
    const again = await acme.events.publishBatch(batch);
    expect(again.map((r) => r.event)).toEqual(first.map((r) => r.event));
    await expect(acme.events.list()).resolves.toMatchObject({ items: [{ id: first[1]!.event.id }, { id: first[0]!.event.id }] });
  });
});

describe('events.list and iterate', () => {
  it('lists newest first, filtered by type, consumer and time, and iterates across pages', async () => {
    const { acme } = await bed.tenant();
    await acme.eventTypes.create({ name: 'order.shipped' });
    const published: Event[] = [];
    for (let n = 0; n < 5; n++) {
      const { event } = await acme.events.publish({
        eventType: n % 2 === 0 ? 'invoice.paid' : 'order.shipped',
        payload: { n },
        ...(n === 4 && { consumerId: 'cus_1' }),
      });
      published.push(event);
    }
    const newestFirst = [...published].reverse().map((e) => e.id);

    const page = await acme.events.list({ first: 2 });
    expect(page.items.map((e) => e.id)).toEqual(newestFirst.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
    const next = await acme.events.list({ first: 2, after: page.pageInfo.endCursor });
    expect(next.items.map((e) => e.id)).toEqual(newestFirst.slice(2, 4));

    const all: string[] = [];
    for await (const event of acme.events.iterate({ first: 2 })) all.push(event.id);
    expect(all).toEqual(newestFirst);

    const shipped: string[] = [];
    for await (const event of acme.events.iterate({ eventType: 'order.shipped', first: 1 })) shipped.push(event.id);
    expect(shipped).toEqual([published[3]!.id, published[1]!.id]);
    await expect(acme.events.list({ consumerId: 'cus_1' })).resolves.toMatchObject({ items: [{ id: published[4]!.id }] });
    const since = await acme.events.list({ since: published[2]!.createdAt });
    expect(since.items.map((e) => e.id)).toEqual(newestFirst.slice(0, 3));
    const until = await acme.events.list({ until: new Date(Date.parse(published[0]!.createdAt) + 1) });
    expect(until.items.map((e) => e.id)).toContain(published[0]!.id);
    expect(until.items.map((e) => e.id)).not.toContain(published[4]!.id);
    await expect(acme.events.list({ after: 'not-a-cursor' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'after',
    });
  });
});

describe('events.expungePayload', () => {
  it('deletes the payload, keeps the event and its attempt log without the body, and cancels what is still pending', async () => {
    const target = await bed.receiver(() => ({ status: 500 }));
    const { acme } = await bed.tenant();
    await acme.endpoints.create({ url: target.url, retrySchedule: '0s,1h' });
    const { event, deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { card: '4242' } });
    const waiting = await waitForDelivery(acme, deliveries[0]!.id, (d) => d.attemptCount === 1);
    expect(waiting.attempts[0]!.requestBody).toContain('4242');

    const expunged = await acme.events.expungePayload(event.id);
    expect(expunged).toMatchObject({ id: event.id, eventType: 'invoice.paid', payload: null });
    expect(Date.parse(expunged.payloadExpungedAt!)).toBeGreaterThanOrEqual(Date.parse(event.createdAt));
    await expect(acme.events.get(event.id)).resolves.toMatchObject({ payload: null, deliveries: [{ status: 'CANCELLED' }] });
    const after = await acme.deliveries.get(deliveries[0]!.id);
    expect(after).toMatchObject({ status: 'CANCELLED', attemptCount: 1 });
    expect(after.attempts[0]).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 500, requestBody: null });
    // Twice keeps the first time.
    await expect(acme.events.expungePayload(event.id)).resolves.toMatchObject({
      payloadExpungedAt: expunged.payloadExpungedAt,
    });
  });
});
