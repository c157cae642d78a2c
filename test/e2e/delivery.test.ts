import { Client, Connection } from '@temporalio/client';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s' });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function headersOf(request: { headers: Record<string, string | string[] | undefined> }): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
}

describe('a published event', () => {
  it('arrives signed, and both standardwebhooks and svix verify it', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await receiver();
    const { endpoint, secret } = await createEndpoint(gateway, tenant.token, { url: target.url, eventTypes: ['invoice.paid'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const published = await publish(gateway, tenant.token, {
      eventType: 'invoice.paid',
      payload: { invoiceId: 'inv_1', amount: 4200 },
    });
    expect(published.deliveries).toHaveLength(1);
    const [request] = await target.waitFor(1);
    const headers = headersOf(request!);

    expect(request!.method).toBe('POST');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toMatch(/^AcmeWebhooks\//);
    expect(headers['webhook-id']).toBe(published.event.id);
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(JSON.parse(request!.body)).toEqual({
      type: 'invoice.paid',
      timestamp: published.event.createdAt,
      data: { invoiceId: 'inv_1', amount: 4200 },
    });
    expect(new StandardWebhook(secret).verify(request!.body, headers)).toEqual(JSON.parse(request!.body));
    expect(new SvixWebhook(secret).verify(request!.body, headers)).toEqual(JSON.parse(request!.body));
    expect(() => new StandardWebhook(secret).verify(`${request!.body} `, headers)).toThrow();

    const delivery = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(delivery.endpoint.id).toBe(endpoint.id);
    expect(delivery.attemptCount).toBe(1);
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts).toMatchObject([
      { attemptNumber: 1, path: 'FAST', outcome: 'SUCCESS', responseStatus: 200, responseBody: 'ok' },
    ]);
    expect(delivery.attempts[0].requestHeaders['webhook-signature']).toBe('[redacted]');
  });

  it('is retried by the endpoint workflow after a failed first attempt, with the same webhook-id', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await receiver((_, index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { endpoint, secret } = await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 2 } });

    const [first, second] = await target.waitFor(2);
    expect(first!.headers['webhook-id']).toBe(published.event.id);
    expect(second!.headers['webhook-id']).toBe(published.event.id);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(900);
    expect(() => new StandardWebhook(secret).verify(second!.body, headersOf(second!))).not.toThrow();

    const delivery = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(delivery.attemptCount).toBe(2);
    expect(delivery.attempts).toMatchObject([
      { attemptNumber: 1, path: 'FAST', outcome: 'HTTP_ERROR', responseStatus: 500, responseBody: 'boom' },
      { attemptNumber: 2, path: 'DURABLE', outcome: 'SUCCESS', responseStatus: 204 },
    ]);
    expect(delivery.attempts[0].hint).toMatch(/server error/);

    // The retry really went through Temporal: the endpoint's workflow ran under its deterministic id.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const description = await new Client({ connection }).workflow.getHandle(`endpoint-${endpoint.id}`).describe();
      expect(description.type).toBe('deliverToEndpoint');
      // Nothing left to retry: the workflow completes rather than polling forever.
      await new Client({ connection }).workflow.getHandle(`endpoint-${endpoint.id}`).result();
    } finally {
      await connection.close();
    }
  });

  it('is dead-lettered when every scheduled attempt fails', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await receiver(() => ({ status: 503, body: 'down' }));
    await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,500ms' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 3 } });

    const delivery = await waitForDelivery(
      gateway,
      tenant.token,
      published.deliveries[0]!.id,
      (d) => d.status === 'DEAD_LETTERED',
    );
    expect(delivery.attemptCount).toBe(2);
    expect(delivery.completedAt).not.toBeNull();
    expect(delivery.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['HTTP_ERROR', 'HTTP_ERROR']);
    expect(target.requests).toHaveLength(2);
  });

  it('waits as long as Retry-After says on 429 and 503 (seconds or an HTTP date), not the schedule', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await receiver((_, index) => {
      if (index === 0) return { status: 429, headers: { 'retry-after': '1' } };
      if (index === 1) return { status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } };
      return { status: 200 };
    });
    // The schedule alone would wait an hour before each retry.
    await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1h,1h' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const [first, second, third] = await target.waitFor(3, 20_000);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(900);
    // An HTTP date has whole seconds: "now + 2 s" is 1 to 2 s away.
    expect(third!.receivedAt - second!.receivedAt).toBeGreaterThanOrEqual(900);
    const delivery = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(delivery.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([429, 503, 200]);
  });

  it('records a refused connection with its outcome class and a hint', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const closed = await receiver();
    const url = closed.url;
    await closed.close();
    await createEndpoint(gateway, tenant.token, { url, retrySchedule: '0s' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const delivery = await waitForDelivery(
      gateway,
      tenant.token,
      published.deliveries[0]!.id,
      (d) => d.status === 'DEAD_LETTERED',
    );
    expect(delivery.attempts[0]).toMatchObject({ outcome: 'CONNECTION_ERROR', responseStatus: null });
    expect(delivery.attempts[0].hint).toMatch(/connect/i);
  });

  it('goes only to endpoints subscribed to its type', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const other = await gateway.graphql(
      `mutation { createEventType(input: { name: "invoice.voided" }) { name } }`,
      {},
      tenant.token,
    );
    expect(other.body.errors).toBeUndefined();
    const subscribed = await receiver();
    const unsubscribed = await receiver();
    await createEndpoint(gateway, tenant.token, { url: subscribed.url, eventTypes: ['invoice.voided'] });
    await createEndpoint(gateway, tenant.token, { url: unsubscribed.url, eventTypes: ['invoice.paid'] });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.voided', payload: { v: 1 } });
    await subscribed.waitFor(1);
    expect(published.deliveries).toHaveLength(1);
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(unsubscribed.requests).toHaveLength(0);
  });
});
