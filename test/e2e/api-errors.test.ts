import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { createEndpoint, createTenantWithEventType, DELIVERY_QUERY, publish } from '../support/scenario.ts';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await gateway?.stop();
});

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

describe('authentication', () => {
  it('answers UNAUTHENTICATED without a key', async () => {
    const { body } = await gateway.graphql('{ viewer { isOperator } }');
    expect(codeOf(body)).toBe('UNAUTHENTICATED');
  });

  it('answers UNAUTHENTICATED with HTTP 401 for an unknown key', async () => {
    const { status, body } = await gateway.graphql('{ viewer { isOperator } }', {}, 'acme_sk_not-a-real-key');
    expect(status).toBe(401);
    expect(codeOf(body)).toBe('UNAUTHENTICATED');
  });

  it('answers UNAUTHENTICATED for a malformed Authorization header', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ viewer { isOperator } }' }),
    });
    expect(codeOf((await response.json()) as Parameters<typeof codeOf>[0])).toBe('UNAUTHENTICATED');
  });

  it('tells the operator and a tenant apart in viewer', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const operator = await gateway.graphql('{ viewer { isOperator tenant { id } } }', {}, gateway.adminKey);
    expect(operator.body.data.viewer).toEqual({ isOperator: true, tenant: null });
    const own = await gateway.graphql('{ viewer { isOperator tenant { id } scopes } }', {}, tenant.token);
    expect(own.body.data.viewer).toEqual({ isOperator: false, tenant: { id: tenant.tenantId }, scopes: ['FULL_ACCESS'] });
  });

  it('answers FORBIDDEN when a tenant key calls an operator operation', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql('mutation { createTenant(input: { name: "x" }) { tenant { id } } }', {}, tenant.token);
    expect(codeOf(body)).toBe('FORBIDDEN');
  });

  it('answers FORBIDDEN when the operator key calls a tenant operation', async () => {
    const { body } = await gateway.graphql('mutation { createEventType(input: { name: "a.b" }) { id } }', {}, gateway.adminKey);
    expect(codeOf(body)).toBe('FORBIDDEN');
  });
});

describe('bad input', () => {
  it.each([
    ['a private address', 'http://10.0.0.1/hook'],
    ['cloud metadata', 'http://169.254.169.254/latest'],
    ['a non-http scheme', 'ftp://example.com/'],
    ['credentials in the URL', 'https://user:pw@example.com/'],
    ['not a URL', 'nope'],
  ])('refuses an endpoint URL with %s as BAD_USER_INPUT', async (_, url) => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql(
      'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { secret } }',
      { input: { url } },
      tenant.token,
    );
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
    expect(body.data).toBeNull();
  });

  it('refuses a custom header that would override a signature header', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql(
      'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { secret } }',
      { input: { url: 'http://127.0.0.1:9/x', headers: { 'Webhook-Signature': 'v1,forged' } } },
      tenant.token,
    );
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a payload over 256 KiB as PAYLOAD_TOO_LARGE', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql(
      'mutation($input: PublishEventInput!) { publishEvent(input: $input) { event { id } } }',
      { input: { eventType: 'invoice.paid', payload: { blob: 'x'.repeat(256 * 1024) } } },
      tenant.token,
    );
    expect(codeOf(body)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an unknown event type as BAD_USER_INPUT', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql(
      'mutation { publishEvent(input: { eventType: "nobody.defined", payload: {} }) { event { id } } }',
      {},
      tenant.token,
    );
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
  });

  it('refuses a duplicate event type as CONFLICT', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { body } = await gateway.graphql(
      'mutation { createEventType(input: { name: "invoice.paid" }) { id } }',
      {},
      tenant.token,
    );
    expect(codeOf(body)).toBe('CONFLICT');
  });

  it('never shows a stack trace', async () => {
    const { body } = await gateway.graphql('{ delivery(id: 1) { id } ', {}, gateway.adminKey);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});

describe('idempotency', () => {
  it('returns the first event for a repeated key and creates no new deliveries', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: 'http://127.0.0.1:9/unused' });
    const input = { eventType: 'invoice.paid', payload: { a: 1, b: 2 }, idempotencyKey: 'order-42' };
    const first = await publish(gateway, tenant.token, input);
    const again = await publish(gateway, tenant.token, { ...input, payload: { b: 2, a: 1 } });
    expect(again.event.id).toBe(first.event.id);
    expect(again.deliveries.map((d) => d.id)).toEqual(first.deliveries.map((d) => d.id));
  });

  it('answers CONFLICT when a key is reused for a different payload', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { a: 1 }, idempotencyKey: 'k' });
    const { body } = await gateway.graphql(
      'mutation($input: PublishEventInput!) { publishEvent(input: $input) { event { id } } }',
      { input: { eventType: 'invoice.paid', payload: { a: 2 }, idempotencyKey: 'k' } },
      tenant.token,
    );
    expect(codeOf(body)).toBe('CONFLICT');
  });
});

describe('tenant isolation', () => {
  it("reads another tenant's delivery, event and endpoint as null", async () => {
    const a = await createTenantWithEventType(gateway, 'A');
    const b = await createTenantWithEventType(gateway, 'B');
    const { endpoint } = await createEndpoint(gateway, a.token, { url: 'http://127.0.0.1:9/a' });
    const published = await publish(gateway, a.token, { eventType: 'invoice.paid', payload: {} });
    const deliveryId = published.deliveries[0]!.id;

    expect((await gateway.graphql(DELIVERY_QUERY, { id: deliveryId }, a.token)).body.data.delivery.id).toBe(deliveryId);
    expect((await gateway.graphql(DELIVERY_QUERY, { id: deliveryId }, b.token)).body.data.delivery).toBeNull();
    expect(
      (await gateway.graphql('query($id: ID!) { event(id: $id) { id } }', { id: published.event.id }, b.token)).body.data.event,
    ).toBeNull();
    expect(
      (await gateway.graphql('query($id: ID!) { endpoint(id: $id) { id } }', { id: endpoint.id }, b.token)).body.data.endpoint,
    ).toBeNull();
  });

  it("never delivers one tenant's event to another tenant's endpoints", async () => {
    const a = await createTenantWithEventType(gateway, 'A');
    const b = await createTenantWithEventType(gateway, 'B');
    await createEndpoint(gateway, b.token, { url: 'http://127.0.0.1:9/b' });
    const published = await publish(gateway, a.token, { eventType: 'invoice.paid', payload: {} });
    expect(published.deliveries).toHaveLength(0);
  });
});
