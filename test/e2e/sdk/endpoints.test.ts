// acme.endpoints.* through the SDK against a real gateway (API + worker, real Postgres and
// Temporal, receivers on loopback).
import { type Endpoint, InvalidRequestError, NotFoundError, verifyWebhook } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { countingFetch, sdkTestBed, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();

describe('endpoints', () => {
  it('creates, reads, updates and deletes an endpoint', async () => {
    const { acme } = await bed.tenant();
    const { endpoint, secret } = await acme.endpoints.create({
      url: 'http://127.0.0.1:9/hooks',
      description: 'Billing',
      eventTypes: ['invoice.paid'],
      headers: { 'x-team': 'billing' },
      metadata: { owner: 'ops' },
    });
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      description: 'Billing',
      eventTypes: ['invoice.paid'],
      status: 'ACTIVE',
      health: 'HEALTHY',
      headers: { 'x-team': 'billing' },
      metadata: { owner: 'ops' },
      failingSince: null,
    });
    await expect(acme.endpoints.get(endpoint.id)).resolves.toEqual(endpoint);

    const updated = await acme.endpoints.update(endpoint.id, { description: 'Billing v2', eventTypes: [], status: 'PAUSED' });
    expect(updated).toMatchObject({ id: endpoint.id, description: 'Billing v2', eventTypes: [], status: 'PAUSED' });
    await expect(acme.endpoints.get(endpoint.id)).resolves.toEqual(updated);

    await acme.endpoints.delete(endpoint.id);
    await expect(acme.endpoints.get(endpoint.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(acme.endpoints.delete(endpoint.id)).rejects.toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('reads the signing secret and rotates it with a grace period', async () => {
    const { acme } = await bed.tenant();
    const { endpoint, secret } = await acme.endpoints.create({ url: 'http://127.0.0.1:9/hooks' });
    await expect(acme.endpoints.getSecret(endpoint.id)).resolves.toBe(secret);
    const rotated = await acme.endpoints.rotateSecret(endpoint.id, { graceSeconds: 600 });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect(Date.parse(rotated.previousSecretExpiresAt!)).toBeGreaterThan(Date.now() + 500_000);
    await expect(acme.endpoints.getSecret(endpoint.id)).resolves.toBe(rotated.secret);
    await expect(acme.endpoints.rotateSecret(endpoint.id, { graceSeconds: -1 })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'graceSeconds',
    });
  });

  it('refuses an unsafe URL or a retry schedule it cannot read with InvalidRequestError naming the field', async () => {
    const { acme } = await bed.tenant();
    const error = await acme.endpoints.create({ url: 'http://169.254.169.254/latest' }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 400, field: 'url' });
    for (const retrySchedule of ['soon', '0s,,5s', '8d'])
      await expect(acme.endpoints.create({ url: 'http://127.0.0.1:9/x', retrySchedule })).rejects.toMatchObject({
        name: 'InvalidRequestError',
        field: 'retrySchedule',
      });
  });

  it('lists endpoints newest first, filtered by status, event type, consumer and text', async () => {
    const { acme } = await bed.tenant();
    await acme.eventTypes.create({ name: 'order.shipped' });
    const billing = (await acme.endpoints.create({ url: 'http://127.0.0.1:9/billing', eventTypes: ['invoice.paid'] })).endpoint;
    const shipping = (await acme.endpoints.create({ url: 'http://127.0.0.1:9/shipping', eventTypes: ['order.shipped'] }))
      .endpoint;
    const everything = (await acme.endpoints.create({ url: 'http://127.0.0.1:9/all', description: 'Audit trail' })).endpoint;
    const customer = (await acme.endpoints.create({ url: 'http://127.0.0.1:9/c', consumerId: 'cus_1' })).endpoint;
    await acme.endpoints.pause(shipping.id);

    const ids = async (filter: Parameters<typeof acme.endpoints.list>[0]) =>
      (await acme.endpoints.list(filter)).items.map((e) => e.id);
    await expect(ids({})).resolves.toEqual([customer.id, everything.id, shipping.id, billing.id]);
    await expect(ids({ status: 'PAUSED' })).resolves.toEqual([shipping.id]);
    // An endpoint with no event types receives every type.
    await expect(ids({ eventType: 'invoice.paid' })).resolves.toEqual([customer.id, everything.id, billing.id]);
    await expect(ids({ consumerId: 'cus_1' })).resolves.toEqual([customer.id]);
    await expect(ids({ search: 'AUDIT' })).resolves.toEqual([everything.id]);
    await expect(ids({ search: 'shipping' })).resolves.toEqual([shipping.id]);
    await expect(acme.endpoints.list({ first: 0 })).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'first' });
    await expect(acme.endpoints.list({ first: 1, eventType: 'invoice.paid', withTotalCount: true })).resolves.toMatchObject({
      items: [{ id: customer.id }],
      totalCount: { count: 3, exact: true },
    });
  });

  it('lists endpoints with each one’s stats over a window in one request', async () => {
    const receiver = await bed.receiver(() => ({ status: 200 }));
    const { acme, token } = await bed.tenant();
    const busy = (await acme.endpoints.create({ url: receiver.url, consumerId: 'busy' })).endpoint;
    const idle = (await acme.endpoints.create({ url: receiver.url, consumerId: 'idle' })).endpoint;
    for (let n = 0; n < 2; n++) {
      const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n }, consumerId: 'busy' });
      await waitForDelivery(acme, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    }
    const counter = countingFetch();
    const counted = bed.sdk(token, { fetch: counter.fetch });
    const page = await counted.endpoints.listWithStats({ stats: { since: new Date(Date.now() - 3_600_000), bucket: 'HOUR' } });
    expect(counter.calls()).toBe(1);
    expect(page.items.map((e) => [e.id, e.stats.counts.total, e.stats.counts.succeeded, e.stats.successRate])).toEqual([
      [idle.id, 0, 0, null],
      [busy.id, 2, 2, 1],
    ]);
    expect(page.items[1]!.stats.attemptCount).toBe(2);
    expect(page.items[1]!.stats.attemptLatencyMs?.p50).toBeGreaterThanOrEqual(0);
    expect(page.items[1]!.stats.attemptLatencyMs?.p50).toBeLessThanOrEqual(page.items[1]!.stats.attemptLatencyMs!.p99!);
    // The endpoint list's own filters, and the default window (the last 24 hours).
    await expect(acme.endpoints.listWithStats({ consumerId: 'busy', withTotalCount: true })).resolves.toMatchObject({
      items: [{ id: busy.id, stats: { counts: { total: 2 } } }],
      totalCount: { count: 1, exact: true },
    });
    await expect(acme.endpoints.listWithStats({ stats: { since: new Date(), until: new Date(0) } })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'since',
    });
  });

  it('iterates across several pages and yields every endpoint exactly once', async () => {
    const { acme, token } = await bed.tenant();
    const created: string[] = [];
    // More than two of the gateway's default pages (20).
    for (let n = 0; n < 45; n++) created.push((await acme.endpoints.create({ url: `http://127.0.0.1:9/e${n}` })).endpoint.id);

    const first = await acme.endpoints.list();
    expect(first.items).toHaveLength(20);
    expect(first.pageInfo.hasNextPage).toBe(true);

    const counter = countingFetch();
    const counted = bed.sdk(token, { fetch: counter.fetch });
    const seen: Endpoint[] = [];
    for await (const endpoint of counted.endpoints.iterate()) seen.push(endpoint);
    expect(counter.calls()).toBe(3);
    expect(seen.map((e) => e.id)).toEqual([...created].reverse());
    expect(new Set(seen.map((e) => e.id)).size).toBe(45);

    // A page size of its own, and a filter, carried to every page.
    const paused: string[] = [];
    for (const id of created.slice(0, 7)) await acme.endpoints.pause(id);
    for await (const endpoint of acme.endpoints.iterate({ status: 'PAUSED', first: 3 })) paused.push(endpoint.id);
    expect(paused).toEqual(created.slice(0, 7).reverse());
  });

  it('pause holds new deliveries (none attempted, none dropped) and resume sends them', async () => {
    const held = await bed.receiver();
    const live = await bed.receiver();
    const { acme } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: held.url });
    await acme.endpoints.create({ url: live.url });
    await expect(acme.endpoints.pause(endpoint.id)).resolves.toMatchObject({ id: endpoint.id, status: 'PAUSED' });

    const { event, deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    const toHeld = deliveries.find((d) => d.endpoint.id === endpoint.id)!;
    const toLive = deliveries.find((d) => d.endpoint.id !== endpoint.id)!;
    // The dispatcher has handled this event: the live endpoint got it, the paused one did not.
    await waitForDelivery(acme, toLive.id, (d) => d.status === 'SUCCEEDED');
    await expect(acme.deliveries.get(toHeld.id)).resolves.toMatchObject({ status: 'PENDING', attemptCount: 0, attempts: [] });
    expect(held.requests).toEqual([]);

    await expect(acme.endpoints.resume(endpoint.id)).resolves.toMatchObject({ id: endpoint.id, status: 'ACTIVE' });
    const [request] = await held.waitFor(1);
    expect(request!.headers['webhook-id']).toBe(event.id);
    await waitForDelivery(acme, toHeld.id, (d) => d.status === 'SUCCEEDED');
    await expect(acme.endpoints.pause('ep_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends a signed test event to that endpoint only, from the type’s example', async () => {
    const target = await bed.receiver();
    const bystander = await bed.receiver();
    const { acme } = await bed.tenant();
    await acme.eventTypes.create({ name: 'order.shipped', example: { orderId: 'ord_1' } });
    const { endpoint, secret } = await acme.endpoints.create({ url: target.url, eventTypes: ['invoice.paid'] });
    await acme.endpoints.create({ url: bystander.url });

    const delivery = await acme.endpoints.sendTestEvent(endpoint.id, { eventType: 'order.shipped' });
    expect(delivery).toMatchObject({ status: 'PENDING', endpoint: { id: endpoint.id }, event: { eventType: 'order.shipped' } });
    const [request] = await target.waitFor(1);
    await expect(verifyWebhook(secret, request!.body, request!.headers)).resolves.toMatchObject({
      type: 'order.shipped',
      data: { orderId: 'ord_1' },
    });
    await waitForDelivery(acme, delivery.id, (d) => d.status === 'SUCCEEDED');

    // Without a type: the endpoint's first subscribed type.
    const second = await acme.endpoints.sendTestEvent(endpoint.id);
    expect(second.event.eventType).toBe('invoice.paid');
    await target.waitFor(2);
    expect(bystander.requests).toEqual([]);

    await expect(acme.endpoints.sendTestEvent(endpoint.id, { eventType: 'no.such' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'eventType',
    });
    await acme.endpoints.update(endpoint.id, { status: 'DISABLED' });
    await expect(acme.endpoints.sendTestEvent(endpoint.id)).rejects.toMatchObject({ name: 'ConflictError' });
  });

  it('sends every waiting retry of an endpoint now and says how many', async () => {
    let up = false;
    const target = await bed.receiver(() => ({ status: up ? 200 : 500 }));
    const { acme } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: target.url, retrySchedule: '0s,1h' });
    const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 2 } });
    const waiting = await waitForDelivery(acme, deliveries[0]!.id, (d) => d.attemptCount === 1);
    expect(waiting.status).toBe('PENDING');
    const failing = await acme.endpoints.get(endpoint.id);
    expect(Date.parse(failing.failingSince!)).toBeLessThanOrEqual(Date.parse(waiting.lastAttempt!.startedAt) + 1000);
    expect(failing.health).toBe('RECOVERING');

    up = true;
    await expect(acme.endpoints.retryNow(endpoint.id)).resolves.toBe(1);
    await waitForDelivery(acme, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    await expect(acme.endpoints.get(endpoint.id)).resolves.toMatchObject({ failingSince: null, health: 'HEALTHY' });
  });
});
