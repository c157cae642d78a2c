import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// Temporal carries only the retries: while it is unreachable the gateway must still start,
// accept events and make first attempts, and the retries must wait in Postgres, not vanish.
let proxy: TcpProxy;
let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  proxy = await startTcpProxy(inject('temporalAddress'), false);
  gateway = await startTestGateway({ TEMPORAL_ADDRESS: proxy.address, DELIVERY_RETRY_SCHEDULE: '0s,1s' });
});

afterAll(async () => {
  await gateway?.stop();
  await proxy?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

describe('while Temporal is down', () => {
  it('starts, reports not ready, publishes and delivers first attempts; retries go out once it is back', async () => {
    const readiness = await fetch(`${gateway.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ ready: false, checks: { postgres: true, temporal: false } });

    const tenant = await createTenantWithEventType(gateway);
    const healthy = await startReceiver();
    const flaky = await startReceiver((_, index) => ({ status: index === 0 ? 500 : 200 }));
    receivers.push(healthy, flaky);
    await createEndpoint(gateway, tenant.token, { url: healthy.url, eventTypes: ['invoice.paid'] });
    const flakyEndpoint = await createEndpoint(gateway, tenant.token, { url: flaky.url, eventTypes: ['invoice.paid'] });

    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { during: 'outage' } });
    await healthy.waitFor(1);
    await flaky.waitFor(1);
    const afterFirst = await Promise.all(
      published.deliveries.map((d) => waitForDelivery(gateway, tenant.token, d.id, (x) => x.attemptCount === 1)),
    );
    expect(afterFirst.find((d) => d.endpoint.id !== flakyEndpoint.endpoint.id)).toMatchObject({ status: 'SUCCEEDED' });
    const stuck = afterFirst.find((d) => d.endpoint.id === flakyEndpoint.endpoint.id);
    expect(stuck).toMatchObject({ status: 'PENDING', attemptCount: 1 });

    // Still down well past the retry's due time: nothing is attempted, nothing is lost.
    await new Promise((r) => setTimeout(r, 2500));
    expect(flaky.requests).toHaveLength(1);

    proxy.setUp(true);
    const done = await waitForDelivery(gateway, tenant.token, stuck.id, (d) => d.status === 'SUCCEEDED', 45_000);
    expect(done.attempts.map((a: { path: string; outcome: string }) => [a.path, a.outcome])).toEqual([
      ['FAST', 'HTTP_ERROR'],
      ['DURABLE', 'SUCCESS'],
    ]);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('going down under a running worker: publishing and first attempts go on, retries wait and go out once it is back', async () => {
    // Up since the previous test: the worker is connected and polling. Now cut it off.
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    proxy.setUp(false);
    let flakyUp = false;
    const tenant = await createTenantWithEventType(gateway);
    const healthy = await startReceiver();
    const flaky = await startReceiver(() => ({ status: flakyUp ? 200 : 503 }));
    receivers.push(healthy, flaky);
    await createEndpoint(gateway, tenant.token, { url: healthy.url });
    const flakyEndpoint = await createEndpoint(gateway, tenant.token, { url: flaky.url });

    const published = [];
    for (let i = 0; i < 5; i++)
      published.push(await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } }));
    await healthy.waitFor(5);
    const deliveries = published.flatMap((p) => p.deliveries);
    const firstTwo = await Promise.all(
      published[0]!.deliveries.map((d) => waitForDelivery(gateway, tenant.token, d.id, () => true)),
    );
    const toFlaky = firstTwo.find((d) => d.endpoint.id === flakyEndpoint.endpoint.id);
    const failed = await waitForDelivery(gateway, tenant.token, toFlaky.id, (d) => d.attemptCount === 1);
    // Well past the retry's due time (1 s): it waits for Temporal, in Postgres.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await waitForDelivery(gateway, tenant.token, failed.id, () => true)).toMatchObject({
      status: 'PENDING',
      attemptCount: 1,
    });

    flakyUp = true;
    proxy.setUp(true);
    for (const d of deliveries) await waitForDelivery(gateway, tenant.token, d.id, (x) => x.status === 'SUCCEEDED', 45_000);
    const retried = await waitForDelivery(gateway, tenant.token, failed.id, () => true);
    expect(retried.attempts.map((a: { path: string; outcome: string }) => [a.path, a.outcome])).toEqual([
      ['FAST', 'HTTP_ERROR'],
      ['DURABLE', 'SUCCESS'],
    ]);
    expect(new Set(flaky.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set(published.map((p) => p.event.id)));
  });
});
