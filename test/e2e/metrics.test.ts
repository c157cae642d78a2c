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
    expect(sample(text, 'acme_workflows_started_total')).toBe(1);
    expect(sample(text, 'acme_dispatcher_claim_delay_seconds_count')).toBe(1);
    expect(sample(text, 'acme_operational_events_total', 'type="ENDPOINT_RECOVERED"')).toBe(1);
    expect(text).toMatch(/^acme_dead_letters \d+$/m);
    expect(text).toMatch(/^acme_dispatcher_claim_lag_seconds [\d.e-]+$/m);
    expect(text).toMatch(/^acme_dispatcher_backlog \d+$/m);
    expect(text).toMatch(/^acme_endpoints_recovering \d+$/m);
    expect(text).toContain('acme_api_process_cpu_seconds_total');
    expect(text).toContain('acme_worker_process_cpu_seconds_total');
  });

  it('measures the claim lag and the publish-to-first-attempt lag under a modest steady load', async () => {
    const targets = await Promise.all([0, 1, 2, 3].map(() => startReceiver()));
    try {
      const tenant = await createTenantWithEventType(gateway);
      for (const t of targets) await createEndpoint(gateway, tenant.token, { url: t.url });
      const before = await (await fetch(`${gateway.url}/metrics`)).text();
      // About 100 events (400 deliveries) a second for 4 seconds, in small concurrent batches.
      const started = Date.now();
      const ids: string[] = [];
      for (let tick = 0; tick < 40; tick++) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { tick, i } }),
          ),
        );
        ids.push(...batch.flatMap((p) => p.deliveries.map((d) => d.id)));
        await new Promise((r) => setTimeout(r, Math.max(0, started + (tick + 1) * 100 - Date.now())));
      }
      const publishSeconds = (Date.now() - started) / 1000;
      for (const t of targets) await t.waitFor(400, 60_000);
      for (const t of targets) expect(new Set(t.requests.map((r) => r.headers['webhook-id'])).size).toBe(400);
      const after = await (await fetch(`${gateway.url}/metrics`)).text();

      const claimed =
        sample(after, 'acme_dispatcher_claim_delay_seconds_count') - sample(before, 'acme_dispatcher_claim_delay_seconds_count');
      expect(claimed).toBe(1600);
      const quantile = (name: string, q: number) => histogramQuantile(before, after, name, q);
      console.log(
        `steady load: 1,600 deliveries in ${publishSeconds.toFixed(1)} s (${Math.round(1600 / publishSeconds)}/s), 4 endpoints, one worker; ` +
          `claim lag p50 ≤ ${quantile('acme_dispatcher_claim_delay_seconds', 0.5)} s, p99 ≤ ${quantile('acme_dispatcher_claim_delay_seconds', 0.99)} s; ` +
          `publish→first attempt p50 ≤ ${quantile('acme_delivery_first_attempt_lag_seconds', 0.5)} s, p99 ≤ ${quantile('acme_delivery_first_attempt_lag_seconds', 0.99)} s`,
      );
    } finally {
      await Promise.all(targets.map((t) => t.close()));
    }
  });
});

/** The upper bound of the histogram bucket holding the q-quantile of what was observed between two scrapes. */
function histogramQuantile(before: string, after: string, name: string, q: number): string {
  const buckets = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}_bucket{`))
      .map((l) => ({ le: /le="([^"]+)"/.exec(l)![1]!, n: Number(l.split(' ').at(-1)) }));
  const was = new Map(buckets(before).map((b) => [b.le, b.n]));
  const now = buckets(after).map((b) => ({ le: b.le, n: b.n - (was.get(b.le) ?? 0) }));
  const total = now.at(-1)?.n ?? 0;
  return now.find((b) => b.n >= q * total)?.le ?? '+Inf';
}
