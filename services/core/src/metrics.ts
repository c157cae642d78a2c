import type postgres from 'postgres';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Delivery metrics, recorded by whichever process sends (the worker). */
export function createDeliveryMetrics(registry: Registry) {
  return {
    attempts: new Counter({
      name: 'acme_delivery_attempts_total',
      help: 'HTTP attempts, by outcome class and path (FAST: dispatcher first attempt; DURABLE: workflow retry or replay).',
      labelNames: ['outcome', 'path'] as const,
      registers: [registry],
    }),
    deliveriesFinished: new Counter({
      name: 'acme_deliveries_finished_total',
      help: 'Deliveries that reached a final status (SUCCEEDED, DEAD_LETTERED, CANCELLED), by path of the last attempt.',
      labelNames: ['status', 'path'] as const,
      registers: [registry],
    }),
    retriesScheduled: new Counter({
      name: 'acme_delivery_retries_scheduled_total',
      help: 'Failed attempts followed by a scheduled retry.',
      labelNames: ['path'] as const,
      registers: [registry],
    }),
    attemptSeconds: new Histogram({
      name: 'acme_delivery_attempt_duration_seconds',
      help: 'Duration of one HTTP attempt, by path.',
      labelNames: ['path'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
    firstAttemptLagSeconds: new Histogram({
      name: 'acme_delivery_first_attempt_lag_seconds',
      help: 'From publish (event created) to the start of the first attempt.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    claimLagSeconds: new Histogram({
      name: 'acme_dispatcher_claim_delay_seconds',
      help: 'How long a first attempt had been due when a dispatcher claimed it (the claim lag).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    workflowsStarted: new Counter({
      name: 'acme_workflows_started_total',
      help: 'Endpoint workflows started (a run continued as new is not counted again).',
      registers: [registry],
    }),
    operationalEvents: new Counter({
      name: 'acme_operational_events_total',
      help: 'Operational events recorded (endpoint disabled or recovered, delivery dead-lettered), by type.',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    handoffs: new Counter({
      name: 'acme_workflow_handoffs_total',
      help: 'Signal-with-starts of endpoint workflows (starts one if none runs), by result.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;

/** Gauges read from Postgres at scrape time: they describe the whole gateway, not one process. */
export function registerBacklogGauges(registry: Registry, sql: postgres.Sql): void {
  const gauge = (name: string, help: string, query: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await query().catch(() => Number.NaN));
      },
    });
  // Rows the dispatchers may send now: not held back (a paused or recovering endpoint, a suspended
  // tenant), whether a claim has marked them held yet or not, so neither gauge alerts on a pause.
  const dispatchable = sql`
    d.status = 'PENDING' and d.handler = 'DISPATCHER' and not d.held and d.next_attempt_at <= now()
    and (d.lease_expires_at is null or d.lease_expires_at < now())
    and exists (select 1 from endpoints e join tenants t on t.id = e.tenant_id
                 where e.id = d.endpoint_id and e.status = 'ACTIVE' and e.health = 'HEALTHY' and t.status = 'ACTIVE')`;
  gauge('acme_dispatcher_backlog', 'First attempts that are due, sendable and not yet claimed.', async () => {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries d where ${dispatchable}`;
    return row?.n ?? 0;
  });
  gauge('acme_dispatcher_claim_lag_seconds', 'Age of the oldest due, sendable, unclaimed first attempt.', async () => {
    const [row] = await sql<{ s: number | null }[]>`
      select extract(epoch from now() - min(d.next_attempt_at))::float8 as s from deliveries d where ${dispatchable}`;
    return row?.s ?? 0;
  });
  gauge('acme_endpoints_recovering', 'Endpoints in recovery: their workflow is probing them.', async () => {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from endpoints where health = 'RECOVERING'`;
    return row?.n ?? 0;
  });
  gauge('acme_dead_letters', 'Deliveries currently dead-lettered.', async () => {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'DEAD_LETTERED'`;
    return row?.n ?? 0;
  });
}

/** A registry with the process's own metrics (CPU, memory, event loop) under a per-role prefix. */
export function createRegistry(role: 'api' | 'worker'): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `acme_${role}_` });
  return registry;
}
