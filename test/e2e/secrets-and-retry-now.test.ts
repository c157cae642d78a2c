import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

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

const verifies = (secret: string, request: ReceivedRequest) => {
  try {
    new Webhook(secret).verify(request.body, Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])));
    return true;
  } catch {
    return false;
  }
};

const ROTATE =
  'mutation($id: ID!, $grace: Int) { rotateEndpointSecret(id: $id, graceSeconds: $grace) { secret previousSecretExpiresAt } }';

describe('secret rotation', () => {
  it('signs with both secrets during the grace period, then with the new one only', async () => {
    const target = await receiver();
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint, secret: first } = await createEndpoint(gateway, tenant.token, { url: target.url });

    const rotated = await gateway.graphql(ROTATE, { id: endpoint.id, grace: 3600 }, tenant.token);
    const second: string = rotated.body.data.rotateEndpointSecret.secret;
    expect(second).not.toBe(first);
    expect(Date.parse(rotated.body.data.rotateEndpointSecret.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 3500_000);
    await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { during: 'grace' } });
    const [duringGrace] = await target.waitFor(1);
    expect(String(duringGrace!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(first, duringGrace!)).toBe(true);
    expect(verifies(second, duringGrace!)).toBe(true);

    const third = (await gateway.graphql(ROTATE, { id: endpoint.id, grace: 0 }, tenant.token)).body.data.rotateEndpointSecret
      .secret;
    await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { after: 'grace' } });
    const [, afterGrace] = await target.waitFor(2);
    expect(verifies(third, afterGrace!)).toBe(true);
    expect(verifies(second, afterGrace!)).toBe(false);
    expect(verifies(first, afterGrace!)).toBe(false);

    const current = await gateway.graphql(
      'query($id: ID!) { endpointSecret(endpointId: $id) }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(current.body.data.endpointSecret).toBe(third);
  });

  it("refuses to rotate or read another tenant's endpoint secret", async () => {
    const a = await createTenantWithEventType(gateway);
    const b = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, a.token, { url: 'http://127.0.0.1:9/x' });
    const rotate = await gateway.graphql(ROTATE, { id: endpoint.id }, b.token);
    expect(rotate.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const read = await gateway.graphql('query($id: ID!) { endpointSecret(endpointId: $id) }', { id: endpoint.id }, b.token);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('retry now', () => {
  it('sends a waiting retry at once instead of after its scheduled delay', async () => {
    const target = await receiver((_, i) => ({ status: i === 0 ? 500 : 200 }));
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1h' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const id = published.deliveries[0]!.id;
    const waiting = await waitForDelivery(gateway, tenant.token, id, (d) => d.attemptCount === 1);
    expect(Date.parse(waiting.nextAttemptAt)).toBeGreaterThan(Date.now() + 3500_000);

    const now = await gateway.graphql('mutation($id: ID!) { retryDeliveryNow(id: $id) { id } }', { id }, tenant.token);
    expect(now.body.errors).toBeUndefined();
    await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
  });

  it("skips the wait for all of an endpoint's retries", async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1h' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.attemptCount === 1);
    up = true;
    const now = await gateway.graphql(
      'mutation($id: ID!) { retryEndpointNow(endpointId: $id) }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(now.body.data.retryEndpointNow).toBe(1);
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
  });

  it('answers CONFLICT for a finished delivery', async () => {
    const target = await receiver();
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const id = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
    const now = await gateway.graphql('mutation($id: ID!) { retryDeliveryNow(id: $id) { id } }', { id }, tenant.token);
    expect(now.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
