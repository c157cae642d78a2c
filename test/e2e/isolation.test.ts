import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, DELIVERY_QUERY, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
});

describe('head-of-line blocking', () => {
  it("one endpoint that never answers does not hold up another endpoint's deliveries", async () => {
    const hung = await startReceiver(() => null);
    const fast = await startReceiver();
    receivers.push(hung, fast);
    const slowTenant = await createTenantWithEventType(gateway, 'slow');
    const fastTenant = await createTenantWithEventType(gateway, 'fast');
    await createEndpoint(gateway, slowTenant.token, { url: hung.url, timeoutMs: 30_000 });
    await createEndpoint(gateway, fastTenant.token, { url: fast.url });

    const slow = [];
    for (let i = 0; i < 40; i++)
      slow.push(await publish(gateway, slowTenant.token, { eventType: 'invoice.paid', payload: { i } }));
    await hung.waitFor(20);
    const quick = [];
    for (let i = 0; i < 10; i++)
      quick.push(await publish(gateway, fastTenant.token, { eventType: 'invoice.paid', payload: { i } }));

    for (const p of quick) await waitForDelivery(gateway, fastTenant.token, p.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    // Every fast delivery finished while every attempt at the hung endpoint is still waiting for an answer.
    for (const p of slow) {
      const { body } = await gateway.graphql(DELIVERY_QUERY, { id: p.deliveries[0]!.id }, slowTenant.token);
      expect(body.data.delivery.attemptCount).toBe(0);
    }
    // And the hung endpoint holds only its own share of the dispatcher: perEndpointLimit (20) attempts.
    expect(hung.requests).toHaveLength(20);
  });
});
