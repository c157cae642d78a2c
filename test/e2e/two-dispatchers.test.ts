import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onFreePort } from '../support/cli-process.ts';
import { connectTestDatabase } from '../support/database.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// Two worker processes (dispatchers) on one database share the first attempts; while leases hold,
// no delivery is sent by both.

let gateway: TestGateway;
let sql: postgres.Sql;
const workers: { process: WorkerProcess; metricsUrl: string }[] = [];
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  sql = connectTestDatabase(gateway.databaseUrl);
  // Each worker's ops port (0 would turn it off) is chosen again should another process take it first.
  const started = await Promise.all(
    [0, 1].map(() =>
      onFreePort(
        (port) => spawnWorker({ ...gateway.env, WORKER_METRICS_PORT: String(port) }),
        (p) => p.ready,
      ),
    ),
  );
  for (const { process, port } of started) workers.push({ process, metricsUrl: `http://127.0.0.1:${port}/metrics` });
});

afterAll(async () => {
  for (const { process } of workers) process.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.process.exited));
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
  await sql?.end();
});

async function firstAttemptsBy(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith('acme_delivery_attempts_total{outcome="SUCCESS",path="FAST"} '));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('two dispatcher processes on one database', () => {
  it('share the first attempts, and never send one delivery twice', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await startReceiver(() => ({ status: 200, delayMs: 30 }));
      receivers.push(r);
    }
    const tenant = await createTenantWithEventType(gateway);
    for (const r of receivers) await createEndpoint(gateway, tenant.token, { url: r.url });
    const events: string[] = [];
    for (let sent = 0; sent < 150; sent += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: sent + i } }),
        ),
      );
      events.push(...batch.map((p) => p.event.id));
    }

    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'SUCCEEDED'`;
      if (row!.n === 450) break;
      if (Date.now() > deadline) throw new Error(`only ${row!.n} of 450 deliveries succeeded`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const r of receivers) {
      const ids = r.requests.map((q) => String(q.headers['webhook-id']));
      expect(ids).toHaveLength(150);
      expect(new Set(ids)).toEqual(new Set(events));
    }
    const [attempts] = await sql<{ n: number; max: number }[]>`
      select count(*)::int as n, max(attempt_count)::int as max from deliveries`;
    expect(attempts).toEqual({ n: 450, max: 1 });
    const shares = await Promise.all(workers.map((w) => firstAttemptsBy(w.metricsUrl)));
    expect(shares[0]! + shares[1]!).toBe(450);
    expect(shares.every((n) => n > 0)).toBe(true);
    console.log(`two dispatchers: 450 deliveries, sent once each, shared ${shares.join(' / ')}`);
  });
});
