import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { createEndpoint, createTenantWithEventType, publish, type TestTenant } from '../support/scenario.ts';

let gateway: TestGateway;
let production: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  production = await startTestGateway({ NODE_ENV: 'production', PUBLIC_URL: 'https://hooks.example.com/' }, { worker: false });
  tenant = await createTenantWithEventType(gateway);
});

afterAll(async () => {
  await gateway?.stop();
  await production?.stop();
});

const post = (target: TestGateway, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${target.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${tenant.token}`, ...headers }, body });

describe('limits on one GraphQL operation', () => {
  it('runs the deepest query the portal needs', async () => {
    const { body } = await gateway.graphql(
      `{ deliveries(first: 5) { edges { node { event { deliveries { endpoint { stats { buckets { counts { total } } } } lastAttempt { url } } } } } } }`,
      {},
      tenant.token,
    );
    expect(body.errors).toBeUndefined();
  });

  it('refuses a query nested deeper than 12', async () => {
    const deep = `{ deliveries { edges { node ${'{ event { deliveries '.repeat(6)}{ id }${' } }'.repeat(6)} } } }`;
    const { body } = await gateway.graphql(deep, {}, tenant.token);
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
    expect(body.data ?? null).toBeNull();
  });

  it('refuses nested request bodies under a page of events whose size is a variable, before running it', async () => {
    const { status, body } = await gateway.graphql(
      'query($n: Int) { events(first: $n) { edges { node { deliveries { attempts { requestBody } } } } } }',
      { n: 100 },
      tenant.token,
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/cost/i), extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.data ?? null).toBeNull();
    const oneDelivery = await gateway.graphql(
      '{ deliveries(first: 5) { edges { node { attempts { requestBody } } } } }',
      {},
      tenant.token,
    );
    expect(oneDelivery.body.errors).toBeUndefined();
  });

  it("pages an event's deliveries and refuses a nested page over 100 with BAD_USER_INPUT", async () => {
    const own = await createTenantWithEventType(gateway, 'nested pages');
    for (const i of [1, 2, 3]) await createEndpoint(gateway, own.token, { url: `http://127.0.0.1:9/${i}` });
    const { event, deliveries } = await publish(gateway, own.token, { eventType: 'invoice.paid', payload: {} });
    const ids = deliveries.map((d) => d.id).sort();
    const page = async (args: string) => {
      const { body } = await gateway.graphql(
        `query($id: ID!) { event(id: $id) { deliveries${args} { id attempts(first: 5) { attemptNumber } } } }`,
        { id: event.id },
        own.token,
      );
      return body;
    };
    expect((await page('')).data.event.deliveries.map((d: { id: string }) => d.id)).toEqual(ids);
    expect((await page('(first: 2)')).data.event.deliveries.map((d: { id: string }) => d.id)).toEqual(ids.slice(0, 2));
    expect((await page(`(first: 2, after: "${ids[1]}")`)).data.event.deliveries.map((d: { id: string }) => d.id)).toEqual(
      ids.slice(2),
    );
    for (const refused of [await page('(first: 101)'), await page('(first: 0)')]) {
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first', limit: 100 } });
      expect(refused.data?.event ?? null).toBeNull();
    }
    const attempts = await gateway.graphql(
      'query($id: ID!) { delivery(id: $id) { attempts(first: 1000) { attemptNumber } } }',
      { id: ids[0] },
      own.token,
    );
    expect(attempts.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
  });

  it('refuses more than 15 aliases', async () => {
    const many = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: viewer { isOperator }`).join(' ')} }`;
    const { body } = await gateway.graphql(many, {}, tenant.token);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a document of more than 2000 tokens', async () => {
    const long = `{ viewer { ${'isOperator '.repeat(2100)} } }`;
    const { body } = await gateway.graphql(long, {}, tenant.token);
    expect(body.errors?.[0]?.message).toMatch(/token/i);
  });

  it('refuses batched operations in one HTTP request', async () => {
    const response = await post(
      gateway,
      JSON.stringify([{ query: '{ viewer { isOperator } }' }, { query: '{ viewer { isOperator } }' }]),
    );
    expect(response.status).toBe(400);
  });

  it('refuses what a cross-site form could send (CSRF): a simple request without preflight', async () => {
    const response = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent('{ viewer { isOperator } }')}`, {
      headers: { authorization: `Bearer ${tenant.token}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
  });

  it('never shows a stack trace', async () => {
    const response = await post(gateway, '{"query": "{ viewer { ');
    expect(await response.text()).not.toMatch(/stacktrace|\.ts:\d+/);
  });
});

describe('in production', () => {
  it('turns introspection and field suggestions off', async () => {
    const introspection = await production.graphql('{ __schema { types { name } } }', {}, production.adminKey);
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await production.graphql('{ viewer { isOperatr } }', {}, production.adminKey);
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const dev = await gateway.graphql('{ viewer { isOperatr } }', {}, tenant.token);
    expect(dev.body.errors?.[0]?.message).toMatch(/Did you mean/);
  });

  it('builds portal links on PUBLIC_URL', async () => {
    const created = await production.graphql(
      'mutation { createTenant(input: { name: "p" }) { apiKey { token } } }',
      {},
      production.adminKey,
    );
    const token = created.body.data.createTenant.apiKey.token;
    const session = await production.graphql('mutation { createPortalSession(consumerId: "c") { url token } }', {}, token);
    const { url, token: sessionToken } = session.body.data.createPortalSession;
    expect(url).toBe(`https://hooks.example.com/session#${sessionToken}`);
  });
});
