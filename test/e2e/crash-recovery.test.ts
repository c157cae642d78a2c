import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// The worker dies with kill -9 mid-flight; a new one on the same data must finish every delivery.
// Nothing may be lost; a repeat is allowed only for an attempt the crash interrupted, and it
// carries the same webhook-id.

const workers: WorkerProcess[] = [];
const receivers: Receiver[] = [];
let gateway: TestGateway | undefined;

afterEach(async () => {
  for (const w of workers.splice(0)) {
    w.child.kill('SIGKILL');
    await w.exited;
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await gateway?.stop();
  gateway = undefined;
});

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
});

async function statusCounts(databaseUrl: string): Promise<Record<string, number>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from deliveries group by status`;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    await sql.end();
  }
}

async function handedOff(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from deliveries where status = 'PENDING' and handler = 'WORKFLOW' and handed_off`;
    return row?.n ?? 0;
  } finally {
    await sql.end();
  }
}

async function claimedUnrecorded(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from deliveries where status = 'PENDING' and handler = 'DISPATCHER' and lease_owner is not null`;
    return row?.n ?? 0;
  } finally {
    await sql.end();
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function worker(): Promise<WorkerProcess> {
  const w = spawnWorker(gateway!.env);
  workers.push(w);
  await w.ready;
  return w;
}

describe('kill -9 of the worker', () => {
  it('while first attempts are in flight: every delivery completes after a restart, none lost', async () => {
    gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s' }, { worker: false });
    const tenant = await createTenantWithEventType(gateway);
    for (let i = 0; i < 3; i++) {
      const r = await startReceiver(() => ({ status: 200, delayMs: 300 }));
      receivers.push(r);
      await createEndpoint(gateway, tenant.token, { url: r.url });
    }
    const first = await worker();
    const events = [];
    for (let i = 0; i < 60; i++)
      events.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).event.id);
    await waitUntil(async () => receivers.reduce((n, r) => n + r.requests.length, 0) >= 20, 20_000, 'attempts in flight');

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    // What the dead worker had claimed and not recorded: the only deliveries the crash may repeat.
    const inFlightAtKill = await claimedUnrecorded(gateway.databaseUrl);
    await worker();
    await waitUntil(async () => (await statusCounts(gateway!.databaseUrl)).SUCCEEDED === 180, 60_000, 'all 180 deliveries');
    const recoveryMs = Date.now() - killedAt;

    for (const r of receivers) {
      const ids = r.requests.map((q) => String(q.headers['webhook-id']));
      expect(new Set(ids)).toEqual(new Set(events));
    }
    const received = receivers.reduce((n, r) => n + r.requests.length, 0);
    // Each of those sent again at most once; nothing else sent twice.
    expect(received - 180).toBeLessThanOrEqual(inFlightAtKill);
    console.log(
      `kill -9 during first attempts: 180 deliveries, ${received - 180} repeated after the crash, all done ${recoveryMs} ms after the kill`,
    );
  });

  it("takes the dead worker's claimed rows back without waiting for their lease", async () => {
    // A lease far longer than the test's deadline: only the liveness lock can bring the rows back in time.
    gateway = await startTestGateway({ DISPATCHER_LEASE_MS: '120000' }, { worker: false });
    const tenant = await createTenantWithEventType(gateway);
    for (let i = 0; i < 2; i++) {
      const r = await startReceiver(() => ({ status: 200, delayMs: 2000 }));
      receivers.push(r);
      await createEndpoint(gateway, tenant.token, { url: r.url });
    }
    const first = await worker();
    const events = [];
    for (let i = 0; i < 10; i++)
      events.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).event.id);
    // Every attempt is in flight (the receivers answer after 2 s) when the worker dies.
    await waitUntil(async () => receivers.reduce((n, r) => n + r.requests.length, 0) >= 20, 20_000, 'attempts in flight');
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    await worker();
    await waitUntil(async () => (await statusCounts(gateway!.databaseUrl)).SUCCEEDED === 20, 60_000, 'all 20 deliveries');
    const recoveryMs = Date.now() - killedAt;
    for (const r of receivers) {
      expect(new Set(r.requests.map((q) => String(q.headers['webhook-id'])))).toEqual(new Set(events));
    }
    console.log(`kill -9 with every attempt in flight: all 20 done ${recoveryMs} ms after the kill (lease 120 s)`);
    expect(recoveryMs).toBeLessThan(60_000);
  });

  it('while retries wait in their workflows: they are sent by the new worker when due', async () => {
    gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,2s,2s,2s,2s' }, { worker: false });
    const tenant = await createTenantWithEventType(gateway);
    let up = false;
    const endpoints = 4;
    for (let i = 0; i < endpoints; i++) {
      const r = await startReceiver(() => ({ status: up ? 200 : 500 }));
      receivers.push(r);
      await createEndpoint(gateway, tenant.token, { url: r.url });
    }
    const first = await worker();
    const events = [];
    for (let i = 0; i < 3; i++)
      events.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).event.id);
    // Killed only once every retry is in its endpoint's workflow: a kill before the first attempts are
    // recorded is the other test's case (their lease must run out first).
    await waitUntil(async () => (await handedOff(gateway!.databaseUrl)) === endpoints * 3, 30_000, 'retries handed to workflows');

    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    up = true;
    await worker();
    await waitUntil(async () => (await statusCounts(gateway!.databaseUrl)).SUCCEEDED === endpoints * 3, 50_000, 'all deliveries');
    console.log(`kill -9 while retries wait: all ${endpoints * 3} delivered ${Date.now() - killedAt} ms after the kill`);
    for (const r of receivers) {
      expect(new Set(r.requests.filter((q) => q.receivedAt > 0).map((q) => String(q.headers['webhook-id'])))).toEqual(
        new Set(events),
      );
    }
    expect(await statusCounts(gateway.databaseUrl)).toEqual({ SUCCEEDED: endpoints * 3 });
  });
});
