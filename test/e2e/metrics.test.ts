import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let receiver: Receiver;

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,200ms' });
  receiver = await startReceiver((_, i) => ({ status: i === 0 ? 500 : 200 }));
});

afterAll(async () => {
  await receiver?.close();
  await gateway?.stop();
});

/** The value of one sample line, e.g. name{a="b"} 3, or 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('/metrics', () => {
  it('counts attempts by outcome and path, and shows the gateway gauges, on the one origin', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');

    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'acme_delivery_attempts_total', 'outcome="HTTP_ERROR",path="FAST"')).toBe(1);
    expect(sample(text, 'acme_delivery_attempts_total', 'outcome="SUCCESS",path="DURABLE"')).toBe(1);
    expect(sample(text, 'acme_deliveries_finished_total', 'status="SUCCEEDED",path="DURABLE"')).toBe(1);
    expect(sample(text, 'acme_delivery_first_attempt_lag_seconds_count')).toBe(1);
    expect(sample(text, 'acme_workflow_handoffs_total', 'result="ok"')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^acme_dispatcher_backlog \d+$/m);
    expect(text).toMatch(/^acme_endpoints_recovering \d+$/m);
    expect(text).toContain('acme_api_process_cpu_seconds_total');
    expect(text).toContain('acme_worker_process_cpu_seconds_total');
  });
});
