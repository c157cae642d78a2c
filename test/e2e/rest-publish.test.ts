import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let receiver: Receiver;

beforeAll(async () => {
  gateway = await startTestGateway();
  receiver = await startReceiver();
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/events', () => {
  it('accepts an event with 202 and its delivery ids, and delivers it', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const response = await post(
      { eventType: 'invoice.paid', payload: { via: 'rest' } },
      { authorization: `Bearer ${tenant.token}` },
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; deliveryIds: string[] };
    expect(body.id).toMatch(/^evt_/);
    expect(body.deliveryIds).toHaveLength(1);
    await waitForDelivery(gateway, tenant.token, body.deliveryIds[0]!, (d) => d.status === 'SUCCEEDED');
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === body.id)).toBe(true);
  });

  it('honours the Idempotency-Key header', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const headers = { authorization: `Bearer ${tenant.token}`, 'idempotency-key': 'once' };
    const first = (await (await post({ eventType: 'invoice.paid', payload: {} }, headers)).json()) as { id: string };
    const second = (await (await post({ eventType: 'invoice.paid', payload: {} }, headers)).json()) as { id: string };
    expect(second.id).toBe(first.id);
  });

  it.each([
    ['no key', {}, { eventType: 'invoice.paid', payload: {} }, 401, 'UNAUTHENTICATED'],
    ['the operator key', 'admin', { eventType: 'invoice.paid', payload: {} }, 403, 'FORBIDDEN'],
    ['an unknown event type', 'tenant', { eventType: 'nope', payload: {} }, 422, 'BAD_USER_INPUT'],
    ['no payload', 'tenant', { eventType: 'invoice.paid' }, 400, 'BAD_USER_INPUT'],
    ['a payload over 256 KiB', 'tenant', { eventType: 'invoice.paid', payload: 'x'.repeat(300_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with problem+json', async (_, who, body, status, code) => {
    const tenant = await createTenantWithEventType(gateway);
    const auth: Record<string, string> =
      who === 'admin'
        ? { authorization: `Bearer ${gateway.adminKey}` }
        : who === 'tenant'
          ? { authorization: `Bearer ${tenant.token}` }
          : {};
    const response = await post(body, auth);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status, code });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const response = await post('{"eventType": ', { authorization: `Bearer ${tenant.token}` });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const postTo = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/events/batch', () => {
  it('stores up to 100 events at once and answers each id in order', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const events = Array.from({ length: 100 }, (_, i) => ({
      eventType: 'invoice.paid',
      payload: { i },
      idempotencyKey: `b-${i}`,
    }));
    const response = await postTo('/v1/events/batch', { events }, auth(tenant.token));
    expect(response.status).toBe(202);
    expect(response.headers.get('ratelimit-limit')).toBe('4000');
    const body = (await response.json()) as { events: { id: string; deliveryIds: string[]; duplicate: boolean }[] };
    expect(body.events).toHaveLength(100);
    expect(body.events.every((e) => e.id.startsWith('evt_') && e.deliveryIds.length === 1 && !e.duplicate)).toBe(true);
    const again = (await (
      await postTo('/v1/events/batch', { events: events.slice(0, 2) }, auth(tenant.token))
    ).json()) as typeof body;
    expect(again.events.map((e) => [e.id, e.duplicate])).toEqual([
      [body.events[0]!.id, true],
      [body.events[1]!.id, true],
    ]);
  });

  it('refuses the whole batch when one event is invalid, naming its index', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const response = await postTo(
      '/v1/events/batch',
      {
        events: [
          { eventType: 'invoice.paid', payload: {} },
          { eventType: 'nope', payload: {} },
        ],
      },
      auth(tenant.token),
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'BAD_USER_INPUT', index: 1, field: 'events/1/eventType' });
    const list = await gateway.graphql('{ events { edges { node { id } } } }', {}, tenant.token);
    expect(list.body.data.events.edges).toEqual([]);
  });

  it.each([
    ['no events', { events: [] }],
    ['101 events', { events: Array.from({ length: 101 }, () => ({ eventType: 'invoice.paid', payload: {} })) }],
    ['an event without payload', { events: [{ eventType: 'invoice.paid' }] }],
  ])('answers %s with a 400 from the OpenAPI document', async (_, body) => {
    const tenant = await createTenantWithEventType(gateway);
    const response = await postTo('/v1/events/batch', body, auth(tenant.token));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
  });
});

describe('GET /v1/events/{id}', () => {
  it('reads the event and the status of its deliveries', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const published = (await (
      await postTo('/v1/events', { eventType: 'invoice.paid', payload: { a: 1 } }, auth(tenant.token))
    ).json()) as {
      id: string;
      deliveryIds: string[];
    };
    await waitForDelivery(gateway, tenant.token, published.deliveryIds[0]!, (d) => d.status === 'SUCCEEDED');
    const response = await fetch(`${gateway.url}/v1/events/${published.id}`, { headers: auth(tenant.token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: published.id,
      eventType: 'invoice.paid',
      payload: { a: 1 },
      consumerId: null,
      deliveries: [
        { id: published.deliveryIds[0], endpointId: endpoint.id, status: 'SUCCEEDED', attemptCount: 1, nextAttemptAt: null },
      ],
    });
  });

  it('answers 404 for an unknown id, 400 for a malformed one, and 403 for a publish-only key', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const unknown = await fetch(`${gateway.url}/v1/events/evt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S`, { headers: auth(tenant.token) });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${gateway.url}/v1/events/nope`, { headers: auth(tenant.token) })).status).toBe(400);
    const key = await gateway.graphql(
      'mutation { createApiKey(input: { name: "p", scopes: [PUBLISH_ONLY] }) { token } }',
      {},
      tenant.token,
    );
    const forbidden = await fetch(`${gateway.url}/v1/events/evt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S`, {
      headers: auth(key.body.data.createApiKey.token),
    });
    expect(forbidden.status).toBe(403);
  });
});

describe('REST errors', () => {
  it('answers a request that fails the document with 400 and one core refuses with 422, naming the field', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const shape = await postTo('/v1/events', { eventType: 'invoice.paid', payload: {}, unexpected: true }, auth(tenant.token));
    expect(shape.status).toBe(400);
    await gateway.graphql(
      'mutation($s: JSON) { createEventType(input: { name: "typed", schema: $s }) { id } }',
      { s: { type: 'object', properties: { n: { type: 'integer' } } } },
      tenant.token,
    );
    const schema = await postTo('/v1/events', { eventType: 'typed', payload: { n: 'one' } }, auth(tenant.token));
    expect(schema.status).toBe(422);
    expect(await schema.json()).toMatchObject({ code: 'BAD_USER_INPUT', field: 'payload/n' });
  });

  it('answers a reused idempotency key with a different event with 409', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const headers = { ...auth(tenant.token), 'idempotency-key': 'k-409' };
    expect((await postTo('/v1/events', { eventType: 'invoice.paid', payload: { a: 1 } }, headers)).status).toBe(202);
    const conflict = await postTo('/v1/events', { eventType: 'invoice.paid', payload: { a: 2 } }, headers);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'CONFLICT' });
  });

  it('answers 429 with Retry-After once the tenant is over its publish rate', async () => {
    const created = await gateway.graphql(
      'mutation { createTenant(input: { name: "Slow", limits: { publishRatePerSecond: 1, publishBurst: 2 } }) { apiKey { token } } }',
      {},
      gateway.adminKey,
    );
    const token = created.body.data.createTenant.apiKey.token;
    await gateway.graphql('mutation { createEventType(input: { name: "invoice.paid" }) { id } }', {}, token);
    const send = () => postTo('/v1/events', { eventType: 'invoice.paid', payload: {} }, auth(token));
    const first = await send();
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    await send();
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
  });

  it('answers a body over the request limit with 413', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const response = await postTo(
      '/v1/events',
      { eventType: 'invoice.paid', payload: 'x'.repeat(3 * 1024 * 1024) },
      auth(tenant.token),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('GET /openapi.json', () => {
  it('serves the REST contract, webhooks included', async () => {
    const response = await fetch(`${gateway.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      webhooks: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/v1/events', '/v1/events/batch', '/v1/events/{id}']);
    expect(Object.keys(document.webhooks)).toEqual(['event']);
  });
});
