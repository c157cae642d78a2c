import type postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestDatabase } from '../support/database.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

// What the gateway does on its own (disable, dead-letter, recover) is recorded for the tenant and,
// with an operational endpoint configured, sent to it as a signed webhook through the outbox.

let gateway: TestGateway;
let sql: postgres.Sql;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({
    DELIVERY_RETRY_SCHEDULE: '0s,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms',
    ENDPOINT_AUTO_DISABLE_AFTER: '2s',
    ENDPOINT_AUTO_DISABLE_MIN_FAILURES: '3',
  });
  sql = connectTestDatabase(gateway.databaseUrl);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
  await sql?.end();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/**
 * A tenant whose operational endpoint is `target`: subscribed to a type nobody publishes, so all it
 * receives are operational events.
 */
async function tenantWithOperationalEndpoint(target: Receiver, options: Record<string, unknown> = {}) {
  const tenant = await createTenantWithEventType(gateway);
  const type = await gateway.graphql('mutation { createEventType(input: { name: "ops.unused" }) { name } }', {}, tenant.token);
  expect(type.body.errors).toBeUndefined();
  const ops = await createEndpoint(gateway, tenant.token, { url: target.url, eventTypes: ['ops.unused'], ...options });
  const settings = await gateway.graphql(
    'mutation($id: ID) { updateTenantSettings(input: { operationalEndpointId: $id }) { operationalEndpointId } }',
    { id: ops.endpoint.id },
    tenant.token,
  );
  expect(settings.body.data.updateTenantSettings.operationalEndpointId).toBe(ops.endpoint.id);
  return { ...tenant, ops };
}

/** The tenant's operational events as the API lists them, oldest first. */
async function operationalEventsOf(token: string) {
  const { body } = await gateway.graphql(
    'query { operationalEvents(first: 100) { edges { node { type endpointId deliveryId message data } } } }',
    {},
    token,
  );
  expect(body.errors).toBeUndefined();
  return (body.data.operationalEvents.edges as { node: any }[]).map((e) => e.node).reverse();
}

/** The webhook as the operational endpoint's owner reads it: signature verified with its secret. */
function verified(secret: string, request: ReceivedRequest) {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
  return new Webhook(secret).verify(request.body, headers) as { type: string; data: any };
}

const endpointState = async (token: string, id: string) =>
  (await gateway.graphql('query($id: ID!) { endpoint(id: $id) { status disabledReason failingSince health } }', { id }, token))
    .body.data.endpoint;

describe('operational events', () => {
  it('disables an endpoint that keeps failing, says why, and sends ENDPOINT_DISABLED to the operational endpoint', async () => {
    const opsReceiver = await receiver();
    const failing = await receiver(() => ({ status: 500 }));
    const tenant = await tenantWithOperationalEndpoint(opsReceiver);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: failing.url, eventTypes: ['invoice.paid'] });
    const published = [];
    for (let i = 0; i < 4; i++)
      published.push(await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } }));

    // Failing for 2 s with 4 deliveries undelivered (ENDPOINT_AUTO_DISABLE_AFTER=2s, _MIN_FAILURES=3).
    const [request] = await opsReceiver.waitFor(1, 30_000);
    const body = verified(tenant.ops.secret, request!);
    expect(body.type).toBe('acme.endpoint.disabled');
    expect(body.data).toMatchObject({ type: 'ENDPOINT_DISABLED', endpointId: endpoint.id, data: { reason: 'FAILING' } });
    expect(body.data.message).toMatch(
      /was disabled because every attempt has failed since .*; 4 pending deliveries were cancelled/,
    );

    const state = await endpointState(tenant.token, endpoint.id);
    expect(state).toMatchObject({
      status: 'DISABLED',
      disabledReason: expect.stringMatching(/^Every delivery attempt has failed since /),
    });
    expect(Date.parse(state.failingSince)).toBeLessThan(Date.now() - 2000);
    for (const p of published) await waitForDelivery(gateway, tenant.token, p.deliveries[0]!.id, (d) => d.status === 'CANCELLED');
    const events = await operationalEventsOf(tenant.token);
    expect(events.map((e) => e.type)).toEqual(['ENDPOINT_DISABLED']);
    expect(events[0]!.message).toBe(body.data.message);
    expect(request!.headers['webhook-id']).toMatch(/^evt_/);
  });

  it('sends ENDPOINT_DISABLED for 410 Gone', async () => {
    const opsReceiver = await receiver();
    const gone = await receiver(() => ({ status: 410 }));
    const tenant = await tenantWithOperationalEndpoint(opsReceiver);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: gone.url, eventTypes: ['invoice.paid'] });
    await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const [request] = await opsReceiver.waitFor(1);
    expect(verified(tenant.ops.secret, request!)).toMatchObject({
      type: 'acme.endpoint.disabled',
      data: { endpointId: endpoint.id, data: { reason: 'GONE', cancelledDeliveries: 0 } },
    });
  });

  it('reports a dead letter once, and not the dead letter of its own report', async () => {
    // The operational endpoint fails too: its report dead-letters, and that must not be reported in turn.
    const opsReceiver = await receiver(() => ({ status: 500 }));
    const failing = await receiver(() => ({ status: 503 }));
    const tenant = await tenantWithOperationalEndpoint(opsReceiver, { retrySchedule: '0s' });
    const { endpoint } = await createEndpoint(gateway, tenant.token, {
      url: failing.url,
      eventTypes: ['invoice.paid'],
      retrySchedule: '0s,200ms',
    });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 1 } });
    const id = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'DEAD_LETTERED');

    const [request] = await opsReceiver.waitFor(1);
    const body = verified(tenant.ops.secret, request!);
    expect(body).toMatchObject({
      type: 'acme.delivery.dead_lettered',
      data: {
        type: 'DELIVERY_DEAD_LETTERED',
        endpointId: endpoint.id,
        deliveryId: id,
        data: { eventId: published.event.id, attempts: 2, lastResponseStatus: 503 },
      },
    });
    const report = await until(
      () =>
        sql<
          { status: string }[]
        >`select d.status from deliveries d join events e on e.id = d.event_id where e.event_type = 'acme.delivery.dead_lettered' and d.tenant_id = ${tenant.tenantId}`,
      (rows) => rows[0]?.status === 'DEAD_LETTERED',
      'the report to dead-letter',
    );
    expect(report).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await operationalEventsOf(tenant.token)).map((e) => [e.type, e.deliveryId])).toEqual([
      ['DELIVERY_DEAD_LETTERED', id],
    ]);
    expect(opsReceiver.requests).toHaveLength(1);
  });

  it('sends ENDPOINT_RECOVERED when a probe gets through', async () => {
    const opsReceiver = await receiver();
    let up = false;
    const flaky = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await tenantWithOperationalEndpoint(opsReceiver);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: flaky.url, eventTypes: ['invoice.paid'] });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.attemptCount >= 1);
    expect((await endpointState(tenant.token, endpoint.id)).health).toBe('RECOVERING');
    up = true;
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    const [request] = await opsReceiver.waitFor(1);
    const body = verified(tenant.ops.secret, request!);
    expect(body).toMatchObject({
      type: 'acme.endpoint.recovered',
      data: { type: 'ENDPOINT_RECOVERED', endpointId: endpoint.id },
    });
    expect(body.data.message).toMatch(/answered again after failing since/);
    expect(await endpointState(tenant.token, endpoint.id)).toMatchObject({ health: 'HEALTHY', failingSince: null });
  });

  it('keeps the acme. event types for itself', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const taken = await gateway.graphql(
      'mutation { createEventType(input: { name: "acme.endpoint.disabled" }) { name } }',
      {},
      tenant.token,
    );
    expect(taken.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(taken.body.errors?.[0]?.message).toMatch(/reserved/);
  });
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
