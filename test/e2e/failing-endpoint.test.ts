import { Client, Connection } from '@temporalio/client';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';

// A receiver that answers 500 to everything, at a high rate. `FAILING_ENDPOINT_DELIVERIES=1000`
// gives the "workflows started per 1,000 deliveries to a failing endpoint" number.

const DELIVERIES = Number(process.env.FAILING_ENDPOINT_DELIVERIES ?? 300);
const SCHEDULE = [0, 1000, 1000];

let gateway: TestGateway;
let sql: postgres.Sql;
let temporal: Connection;
let target: Receiver;

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s' });
  sql = connectTestDatabase(gateway.databaseUrl);
  temporal = await Connection.connect({ address: inject('temporalAddress') });
  target = await startReceiver(() => ({ status: 500, body: 'down' }));
});

afterAll(async () => {
  await target?.close();
  await gateway?.stop();
  await sql?.end();
  await temporal?.close();
});

describe('an endpoint answering 500 to everything', () => {
  it('starts one workflow for the endpoint, not one per delivery, and is probed instead of hammered', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url });
    const started = Date.now();
    for (let sent = 0; sent < DELIVERIES; sent += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, DELIVERIES - sent) }, (_, i) =>
          publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: sent + i } }),
        ),
      );
    }
    const publishedMs = Date.now() - started;
    // Until the first failures have run their whole schedule (3 attempts, 2 s) and been dead-lettered.
    await eventually(
      async () => (await sql`select 1 from deliveries where status = 'DEAD_LETTERED' limit 1`).length === 1,
      'the first dead letters',
      60_000,
    );

    const client = new Client({ connection: temporal });
    const query = `WorkflowType = 'deliverToEndpoint' AND TaskQueue = '${gateway.env.TEMPORAL_TASK_QUEUE}'`;
    const { count } = await client.workflow.count(query);
    const runs = [];
    for await (const w of client.workflow.list({ query })) runs.push(w.workflowId);
    expect(new Set(runs)).toEqual(new Set([`endpoint-${endpoint.id}`]));
    expect(count).toBe(1);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^acme_workflows_started_total 1$/m);

    // The circuit breaker: at most one per-endpoint share (20) of first attempts failed before the
    // endpoint went into recovery; after that only their retries and one probe at a time reach it.
    // Retries keep going while we look, so pause the endpoint first: once the attempts in flight
    // have written their rows, every request that reached it must have one.
    const paused = await gateway.graphql(
      'mutation($id: ID!) { pauseEndpoint(id: $id) { status } }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(paused.body.errors).toBeUndefined();
    const attemptRows = async () => (await sql<{ n: number }[]>`select count(*)::int as n from delivery_attempts`)[0]!.n;
    await eventually(async () => (await attemptRows()) === target.requests.length, 'an attempt row for every request received');
    expect(target.requests.length).toBeGreaterThan(0);
    expect(target.requests.length).toBeLessThan(DELIVERIES / 2);

    // Attempts per delivery against the schedule (3 attempts, 1 s apart), for every delivery that finished it.
    const rows = await sql<{ id: string; attempts: number; started: Date[] }[]>`
      select d.id, d.attempt_count as attempts, array_agg(a.started_at order by a.attempt_number) as started
        from deliveries d join delivery_attempts a on a.delivery_id = d.id
       where d.status = 'DEAD_LETTERED' group by d.id, d.attempt_count`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.attempts === SCHEDULE.length && r.started.length === SCHEDULE.length)).toBe(true);
    const lateness = (retry: number) =>
      rows.map(
        (r) => (r.started[retry] as Date).getTime() - (r.started[retry - 1] as Date).getTime() - (SCHEDULE[retry] as number),
      );
    const [over] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where attempt_count > ${SCHEDULE.length}`;
    expect(over!.n).toBe(0);
    const [waiting] = await sql<
      { n: number }[]
    >`select count(*)::int as n from deliveries where status = 'PENDING' and attempt_count = 0`;
    console.log(
      `failing endpoint: ${DELIVERIES} deliveries published in ${publishedMs} ms → ${count} workflow started; ` +
        `${target.requests.length} requests reached the endpoint in ~${Math.round((Date.now() - started) / 1000)} s; ` +
        `${rows.length} deliveries finished their schedule with exactly ${SCHEDULE.length} attempts ` +
        `(lateness vs schedule: first retry median ${median(lateness(1))} ms, max ${Math.max(...lateness(1))} ms, ` +
        `second retry median ${median(lateness(2))} ms, max ${Math.max(...lateness(2))} ms); ` +
        `${waiting!.n} wait behind the probe, unattempted; none has more attempts than the schedule`,
    );
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
