import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s' });
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

/** The most requests that arrived within any window of `ms`. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= ms) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const RATE = 5;

describe("an endpoint's rate limit", () => {
  it('paces first attempts: one second of burst, then the rate', async () => {
    const target = await receiver();
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: target.url, rateLimit: RATE });
    // Published all at once, so that without the limit all 20 would arrive within a second.
    const published = await Promise.all(
      Array.from({ length: 20 }, (_, i) => publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })),
    );
    await target.waitFor(20, 30_000);
    const times = target.requests.map((r) => r.receivedAt);
    // GCRA: at most rate × 1 s plus the one-second burst in any second; 20 take at least (20 − 5) / 5 s.
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(2 * RATE);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2500);
    for (const p of published) await waitForDelivery(gateway, tenant.token, p.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
  });

  it('paces a bulk replay of dead letters through the workflow the same way', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, rateLimit: RATE });
    const ids = [];
    for (let i = 0; i < 15; i++)
      ids.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).deliveries[0]!.id);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'DEAD_LETTERED', 30_000);

    up = true;
    const before = target.requests.length;
    const replayed = await gateway.graphql(
      'mutation($id: ID) { replayDeadLetters(endpointId: $id) { replayedCount } }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(replayed.body.data.replayDeadLetters.replayedCount).toBe(15);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED', 30_000);
    const times = target.requests.slice(before).map((r) => r.receivedAt);
    expect(times).toHaveLength(15);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(2 * RATE);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1500);
  });

  it("never holds up another endpoint's deliveries", async () => {
    const slow = await receiver();
    const fast = await receiver();
    const tenant = await createTenantWithEventType(gateway);
    const other = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: slow.url, rateLimit: 1 });
    await createEndpoint(gateway, other.token, { url: fast.url });
    for (let i = 0; i < 30; i++) await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } });
    const quick = [];
    for (let i = 0; i < 10; i++) quick.push(await publish(gateway, other.token, { eventType: 'invoice.paid', payload: { i } }));
    for (const p of quick) await waitForDelivery(gateway, other.token, p.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    // The limited endpoint's backlog, published first, is still draining at one a second.
    expect(slow.requests.length).toBeLessThan(30);
  });
});
