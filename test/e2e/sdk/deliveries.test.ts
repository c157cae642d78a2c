// acme.deliveries.* and acme.deadLetters.* through the SDK against a real gateway (API + worker,
// real Postgres and Temporal, receivers on loopback).
import { ConflictError, NotFoundError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();
const NO_SUCH_DELIVERY = 'dlv_01JD3Z6Y8K6Q2W0X5V9N4T7R1S';

describe('deliveries', () => {
  it('lists deliveries newest first, filtered by status, endpoint and event, and iterates across pages', async () => {
    const good = await bed.receiver();
    const bad = await bed.receiver(() => ({ status: 503 }));
    const { acme } = await bed.tenant();
    const { endpoint: up } = await acme.endpoints.create({ url: good.url });
    const { endpoint: down } = await acme.endpoints.create({ url: bad.url, retrySchedule: '0s' });
    const published = [];
    for (let n = 0; n < 3; n++) published.push(await acme.events.publish({ eventType: 'invoice.paid', payload: { n } }));
    const all = published.flatMap((p) => p.deliveries);
    for (const d of all) await waitForDelivery(acme, d.id, (x) => x.status !== 'PENDING');

    const ids = async (params: Parameters<typeof acme.deliveries.list>[0]) =>
      (await acme.deliveries.list(params)).items.map((d) => d.id).sort();
    const toUp = all.filter((d) => d.endpoint.id === up.id).map((d) => d.id);
    const toDown = all.filter((d) => d.endpoint.id === down.id).map((d) => d.id);
    await expect(ids({ status: 'SUCCEEDED' })).resolves.toEqual([...toUp].sort());
    await expect(ids({ status: 'DEAD_LETTERED' })).resolves.toEqual([...toDown].sort());
    await expect(ids({ endpointId: down.id })).resolves.toEqual([...toDown].sort());
    await expect(ids({ eventId: published[1]!.event.id })).resolves.toEqual(published[1]!.deliveries.map((d) => d.id).sort());
    await expect(ids({ status: 'CANCELLED' })).resolves.toEqual([]);

    const page = await acme.deliveries.list({ first: 4 });
    expect(page.items).toHaveLength(4);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const iterated: string[] = [];
    for await (const delivery of acme.deliveries.iterate({ first: 4 })) iterated.push(delivery.id);
    // Newest first (ids sort by creation), every one exactly once across two pages.
    expect(iterated).toEqual(
      all
        .map((d) => d.id)
        .sort()
        .reverse(),
    );
    const down2: string[] = [];
    for await (const delivery of acme.deliveries.iterate({ endpointId: down.id, first: 1 })) down2.push(delivery.id);
    expect(down2.sort()).toEqual([...toDown].sort());
  });

  it('shows each listed delivery’s latest attempt, and the whole attempt log on get', async () => {
    // Fails the first try, answers the retry.
    const target = await bed.receiver((_, index) =>
      index === 0 ? { status: 500, body: 'database is down' } : { status: 200, body: 'ok' },
    );
    const { acme } = await bed.tenant();
    await acme.endpoints.create({ url: target.url, retrySchedule: '0s,1s' });
    const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    const id = deliveries[0]!.id;
    expect(deliveries[0]!.lastAttempt).toBeNull();

    const afterFirst = await waitForDelivery(acme, id, (d) => d.attemptCount === 1);
    expect(afterFirst.lastAttempt).toMatchObject({ attemptNumber: 1, path: 'FAST', outcome: 'HTTP_ERROR', responseStatus: 500 });
    expect(afterFirst.lastAttempt!.hint).toEqual(expect.any(String));
    const done = await waitForDelivery(acme, id, (d) => d.status === 'SUCCEEDED');
    expect(done.attempts.map((a) => [a.attemptNumber, a.path, a.outcome, a.responseBody])).toEqual([
      [1, 'FAST', 'HTTP_ERROR', 'database is down'],
      [2, 'DURABLE', 'SUCCESS', 'ok'],
    ]);

    const [listed] = (await acme.deliveries.list({ eventId: deliveries[0]!.event.id })).items;
    const { requestHeaders, requestBody, responseHeaders, responseBody, ...summary } = done.attempts[1]!;
    expect(listed!.lastAttempt).toEqual(summary);
    // Lists carry no bodies; get has them.
    expect(listed!.lastAttempt).not.toHaveProperty('requestBody');
    expect(JSON.parse(requestBody!)).toMatchObject({ type: 'invoice.paid', data: { n: 1 } });
    expect(requestHeaders).toMatchObject({ 'webhook-id': deliveries[0]!.event.id });
    expect(done.lastAttempt).toEqual(summary);
  });

  it('sends a waiting retry of a delivery now, and refuses once it is finished', async () => {
    let up = false;
    const target = await bed.receiver(() => ({ status: up ? 200 : 500 }));
    const { acme } = await bed.tenant();
    await acme.endpoints.create({ url: target.url, retrySchedule: '0s,1h' });
    const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    const id = deliveries[0]!.id;
    const waiting = await waitForDelivery(acme, id, (d) => d.attemptCount === 1);
    expect(Date.parse(waiting.nextAttemptAt!)).toBeGreaterThan(Date.now() + 3500_000);

    up = true;
    await expect(acme.deliveries.retryNow(id)).resolves.toMatchObject({ id, status: 'PENDING' });
    const done = await waitForDelivery(acme, id, (d) => d.status === 'SUCCEEDED');
    expect(done.attempts.map((a) => a.outcome)).toEqual(['HTTP_ERROR', 'SUCCESS']);
    await expect(acme.deliveries.retryNow(id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('throws NotFoundError for a delivery that is not the caller’s', async () => {
    const a = await bed.tenant();
    const b = await bed.tenant();
    await a.acme.endpoints.create({ url: 'http://127.0.0.1:9/x' });
    const { deliveries } = await a.acme.events.publish({ eventType: 'invoice.paid', payload: {} });
    await expect(b.acme.deliveries.get(deliveries[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.acme.deliveries.replay(deliveries[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.acme.deliveries.list()).resolves.toMatchObject({ items: [] });
    await expect(a.acme.deliveries.get(NO_SUCH_DELIVERY)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('dead letters', () => {
  it('pages through dead letters with list and iterate, replays one, then the rest in bulk', async () => {
    let up = false;
    const target = await bed.receiver(() => ({ status: up ? 200 : 503 }));
    const { acme } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: target.url, retrySchedule: '0s' });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++)
      ids.push((await acme.events.publish({ eventType: 'invoice.paid', payload: { n } })).deliveries[0]!.id);
    for (const id of ids) await waitForDelivery(acme, id, (d) => d.status === 'DEAD_LETTERED');

    const page = await acme.deadLetters.list({ endpointId: endpoint.id, first: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
    expect(page.items[0]!.lastAttempt).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 503 });
    const next = await acme.deadLetters.list({ endpointId: endpoint.id, first: 2, after: page.pageInfo.endCursor });
    expect(next.items.map((d) => d.id)).not.toContain(page.items[0]!.id);

    const all: string[] = [];
    for await (const delivery of acme.deadLetters.iterate({ endpointId: endpoint.id, first: 2 })) {
      expect(delivery.status).toBe('DEAD_LETTERED');
      all.push(delivery.id);
    }
    // Newest first, every one exactly once across three pages.
    expect(all).toEqual([...ids].reverse());
    await expect(acme.deadLetters.list({ since: new Date(Date.now() + 60_000) })).resolves.toMatchObject({ items: [] });

    up = true;
    await expect(acme.deliveries.replay(ids[0]!)).resolves.toMatchObject({ id: ids[0], status: 'PENDING' });
    await waitForDelivery(acme, ids[0]!, (d) => d.status === 'SUCCEEDED');
    await expect(acme.deadLetters.replayAll({ endpointId: endpoint.id })).resolves.toEqual({ replayedCount: 4 });
    for (const id of ids.slice(1)) await waitForDelivery(acme, id, (d) => d.status === 'SUCCEEDED');
    await expect(acme.deadLetters.list({ endpointId: endpoint.id })).resolves.toEqual({
      items: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    await expect(acme.deliveries.replay(NO_SUCH_DELIVERY)).rejects.toBeInstanceOf(NotFoundError);
  });
});
