// Every SDK method whose operation the gateway serves today, through the SDK as a customer uses
// it, against a real gateway (API + worker, real Postgres and Temporal, receivers on loopback).
import {
  type AcmeWebhooks,
  AuthenticationError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
} from '@acme/webhooks-sdk';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createTenantWithEventType } from '../../support/scenario.ts';
import { sdk, waitForDelivery } from './sdk-support.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/** A fresh tenant (one event type, invoice.paid) and an SDK client holding its key. */
async function tenantClient(): Promise<{ acme: AcmeWebhooks; tenantId: string }> {
  const { token, tenantId } = await createTenantWithEventType(gateway);
  return { acme: sdk(gateway, token), tenantId };
}

describe('viewer', () => {
  it('tells the operator from a tenant and its scopes', async () => {
    await expect(sdk(gateway, gateway.adminKey).viewer()).resolves.toMatchObject({ isOperator: true, tenant: null });
    const { acme, tenantId } = await tenantClient();
    await expect(acme.viewer()).resolves.toMatchObject({
      isOperator: false,
      tenant: { id: tenantId, name: 'Test tenant', status: 'ACTIVE' },
      scopes: ['FULL_ACCESS'],
    });
  });
});

describe('eventTypes', () => {
  it('creates an event type with its schema, and refuses the same name twice with ConflictError', async () => {
    const { acme } = await tenantClient();
    const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    const created = await acme.eventTypes.create({ name: 'order.shipped', description: 'An order left the warehouse', schema });
    expect(created).toMatchObject({ name: 'order.shipped', description: 'An order left the warehouse', schema, archived: false });
    expect(created.id).toEqual(expect.any(String));
    const again = await acme.eventTypes.create({ name: 'order.shipped' }).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again).toMatchObject({ code: 'CONFLICT', status: 409, details: { field: 'name' } });
  });
});

describe('endpoints', () => {
  it('creates, reads, updates and deletes an endpoint', async () => {
    const { acme } = await tenantClient();
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
    const { acme } = await tenantClient();
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

  it('refuses an unsafe URL with InvalidRequestError naming the field', async () => {
    const { acme } = await tenantClient();
    const error = await acme.endpoints.create({ url: 'http://169.254.169.254/latest' }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 400, field: 'url' });
  });
});

describe('events and deliveries', () => {
  it('publishes an event, reads it back, and follows its delivery to SUCCEEDED with its attempt log', async () => {
    const target = await receiver();
    const { acme } = await tenantClient();
    const { endpoint } = await acme.endpoints.create({ url: target.url });
    const { event, deliveries } = await acme.events.publish({
      eventType: 'invoice.paid',
      payload: { invoiceId: 'inv_42', amount: 4200 },
      idempotencyKey: 'invoice-42-paid',
    });
    expect(event).toMatchObject({
      eventType: 'invoice.paid',
      payload: { invoiceId: 'inv_42', amount: 4200 },
      idempotencyKey: 'invoice-42-paid',
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ status: 'PENDING', endpoint: { id: endpoint.id }, event: { id: event.id } });
    await expect(acme.events.get(event.id)).resolves.toEqual(event);

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
  });

  it('gives a generated idempotency key to a publish without one', async () => {
    const { acme } = await tenantClient();
    const { event } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    expect(event.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps publish refusals: unknown type, reused key, payload over the limit', async () => {
    const { acme } = await tenantClient();
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

  it('throws NotFoundError for an event or delivery that is not the caller’s', async () => {
    const a = await tenantClient();
    const b = await tenantClient();
    const { event, deliveries } = await a.acme.events.publish({ eventType: 'invoice.paid', payload: {} });
    await expect(b.acme.events.get(event.id)).rejects.toBeInstanceOf(NotFoundError);
    const { endpoint } = await a.acme.endpoints.create({ url: 'http://127.0.0.1:9/x' });
    await expect(b.acme.endpoints.get(endpoint.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(deliveries).toEqual([]);
    await expect(b.acme.deliveries.get('dlv_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('sends a waiting retry of a delivery now, and refuses once it is finished', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const { acme } = await tenantClient();
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

  it('sends every waiting retry of an endpoint now and says how many', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const { acme } = await tenantClient();
    const { endpoint } = await acme.endpoints.create({ url: target.url, retrySchedule: '0s,1h' });
    const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 2 } });
    await waitForDelivery(acme, deliveries[0]!.id, (d) => d.attemptCount === 1);

    up = true;
    await expect(acme.endpoints.retryNow(endpoint.id)).resolves.toBe(1);
    await waitForDelivery(acme, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
  });
});

describe('dead letters', () => {
  it('pages through dead letters with list and iterate, replays one, then the rest in bulk', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 503 }));
    const { acme } = await tenantClient();
    const { endpoint } = await acme.endpoints.create({ url: target.url, retrySchedule: '0s' });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++)
      ids.push((await acme.events.publish({ eventType: 'invoice.paid', payload: { n } })).deliveries[0]!.id);
    for (const id of ids) await waitForDelivery(acme, id, (d) => d.status === 'DEAD_LETTERED');

    const page = await acme.deadLetters.list({ endpointId: endpoint.id, first: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: expect.any(String) });
    const next = await acme.deadLetters.list({ endpointId: endpoint.id, first: 2, after: page.pageInfo.endCursor });
    expect(next.items.map((d) => d.id)).not.toContain(page.items[0]!.id);

    const all: string[] = [];
    for await (const delivery of acme.deadLetters.iterate({ endpointId: endpoint.id, first: 2 })) {
      expect(delivery.status).toBe('DEAD_LETTERED');
      all.push(delivery.id);
    }
    // Newest first, every one exactly once across three pages.
    expect(all).toEqual([...ids].reverse());

    up = true;
    await expect(acme.deliveries.replay(ids[0]!)).resolves.toMatchObject({ id: ids[0], status: 'PENDING' });
    await waitForDelivery(acme, ids[0]!, (d) => d.status === 'SUCCEEDED');
    await expect(acme.deadLetters.replayAll({ endpointId: endpoint.id })).resolves.toEqual({ replayedCount: 4 });
    for (const id of ids.slice(1)) await waitForDelivery(acme, id, (d) => d.status === 'SUCCEEDED');
    await expect(acme.deadLetters.list({ endpointId: endpoint.id })).resolves.toEqual({
      items: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
    await expect(acme.deliveries.replay('dlv_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('authentication and permissions', () => {
  it('throws AuthenticationError for an unknown key', async () => {
    const error = await sdk(gateway, 'acme_sk_not-a-real-key')
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('throws PermissionError when a tenant key calls an operator operation, or the operator a tenant one', async () => {
    const { acme } = await tenantClient();
    await expect(acme.tenants.create({ name: 'Not allowed' })).rejects.toBeInstanceOf(PermissionError);
    await expect(sdk(gateway, gateway.adminKey).eventTypes.create({ name: 'a.b' })).rejects.toMatchObject({
      name: 'PermissionError',
      code: 'FORBIDDEN',
      status: 403,
    });
  });
});

describe('acme.graphql', () => {
  it('runs a string operation and a DocumentNode without source text, typed by the caller', async () => {
    const { acme, tenantId } = await tenantClient();
    const data = await acme.graphql<{ viewer: { tenant: { id: string } } }>('{ viewer { tenant { id } } }');
    expect(data.viewer.tenant.id).toBe(tenantId);

    const { endpoint } = await acme.endpoints.create({ url: 'http://127.0.0.1:9/x', description: 'via AST' });
    const document = parse('query Endpoint($id: ID!) { endpoint(id: $id) { id description } }', { noLocation: true });
    await expect(acme.graphql(document, { id: endpoint.id })).resolves.toEqual({
      endpoint: { id: endpoint.id, description: 'via AST' },
    });
    await expect(acme.graphql('{ nope }')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
  });
});
