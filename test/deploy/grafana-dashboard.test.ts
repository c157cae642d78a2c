import { readFile } from 'node:fs/promises';
import { connectDatabase, createDeliveryMetrics, createRegistry, registerBacklogGauges } from '@acme/core';
import { afterAll, describe, expect, inject, it } from 'vitest';

// The Grafana dashboard queries only metrics the code exports, under the names it exports them,
// and charts every delivery metric there is. The names come from real registries, not a list.

const database = connectDatabase(inject('databaseUrl'), { max: 1 });
afterAll(() => database.close());

async function exportedSeries() {
  const worker = createRegistry('worker');
  createDeliveryMetrics(worker);
  registerBacklogGauges(worker, database.sql);
  const metrics = [...(await worker.getMetricsAsJSON()), ...(await createRegistry('api').getMetricsAsJSON())];
  const series = new Set<string>();
  for (const m of metrics) {
    series.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(`${m.name}${s}`);
  }
  const gateway = metrics.map((m) => m.name).filter((n) => !/^acme_(api|worker)_/.test(n));
  return { series, gateway };
}

describe('Grafana dashboard infra/grafana/acme-webhooks.json', async () => {
  const dashboard = JSON.parse(await readFile(new URL('../../infra/grafana/acme-webhooks.json', import.meta.url), 'utf8'));
  const panels: any[] = dashboard.panels.filter((p: any) => p.type !== 'row');
  const queried = new Set(
    panels.flatMap((p) => p.targets.flatMap((t: any) => [...t.expr.matchAll(/\bacme_[a-z0-9_]+/g)].map((m) => m[0]))),
  );

  it('queries only metrics the gateway exports', async () => {
    const { series } = await exportedSeries();
    expect([...queried].filter((name) => !series.has(name))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('charts every delivery, backlog and hand-off metric, and process CPU and memory of both roles', async () => {
    const { gateway } = await exportedSeries();
    const charted = [...queried].map((n) => n.replace(/_(bucket|sum|count)$/, ''));
    expect(gateway.filter((name) => !charted.includes(name))).toEqual([]);
    for (const role of ['api', 'worker']) {
      expect(queried).toContain(`acme_${role}_process_cpu_seconds_total`);
      expect(queried).toContain(`acme_${role}_process_resident_memory_bytes`);
    }
  });

  it('has latency percentiles and a Prometheus data source variable on every panel', () => {
    const latency = panels.find((p) => p.title.startsWith('Attempt latency'));
    expect(latency.targets.map((t: any) => t.expr.match(/histogram_quantile\(([\d.]+)/)?.[1])).toEqual(['0.5', '0.95', '0.99']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    for (const p of panels) expect(p.datasource.uid).toBe('${datasource}');
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });
});
