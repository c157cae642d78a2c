import { request } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type postgres from 'postgres';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type CliProcess, exitWithin, logLines, ownerPattern, spawnApi } from '../support/cli-process.ts';
import { connectTestDatabase } from '../support/database.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType } from '../support/scenario.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// SIGTERM to real worker and API processes (`acme-webhooks worker` / `api`), as Kubernetes sends it.
// The lease is 10 minutes here: a claim left behind by a stopped worker would hold its delivery far
// beyond every deadline of these tests, so "delivered" also proves "no lease left to expire".

const LONG_LEASE_MS = '600000';

let gateway: TestGateway | undefined;
let sql: postgres.Sql | undefined;
const workers: WorkerProcess[] = [];
const receivers: Receiver[] = [];
const others: CliProcess[] = [];

afterEach(async () => {
  for (const p of [...workers.splice(0), ...others.splice(0)]) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await sql?.end();
  sql = undefined;
  await gateway?.stop();
  gateway = undefined;
});

async function setUp(overrides: Record<string, string>) {
  gateway = await startTestGateway({ DISPATCHER_LEASE_MS: LONG_LEASE_MS, ...overrides }, { worker: false });
  sql = connectTestDatabase(gateway.databaseUrl);
  return { gateway, sql, tenant: await createTenantWithEventType(gateway) };
}

/** A worker process with info logs (what it says when it stops is part of what is checked). */
function worker(extra: Record<string, string> = {}): WorkerProcess {
  const w = spawnWorker({ ...gateway!.env, LOG_LEVEL: 'info', ...extra });
  workers.push(w);
  return w;
}

async function receiver(respond: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/** Publishes `count` events over REST, 100 per batch; returns their ids. */
async function publishMany(token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let sent = 0; sent < count; sent += 100) {
    const events = Array.from({ length: Math.min(100, count - sent) }, (_, i) => ({
      eventType: 'invoice.paid',
      payload: { n: sent + i },
    }));
    const response = await fetch(`${gateway!.url}/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(202);
    ids.push(...((await response.json()) as { events: { id: string }[] }).events.map((e) => e.id));
  }
  return ids;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const succeeded = async () =>
  (await sql!<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'SUCCEEDED'`)[0]!.n;
const leasedBy = async (pid: number) =>
  (await sql!<{ n: number }[]>`select count(*)::int as n from deliveries where lease_owner like ${ownerPattern(pid)}`)[0]!.n;
const received = () => receivers.reduce((n, r) => n + r.requests.length, 0);
const idsAt = (r: Receiver) => r.requests.map((q) => String(q.headers['webhook-id']));

// Each test starts its own gateway and worker processes (a tsx start and a workflow bundle each):
// minutes, not seconds, on a busy machine. The waits inside have their own deadlines.
describe('a worker stopped with SIGTERM', { timeout: 180_000 }, () => {
  it('mid-backlog: its attempts in flight finish and are recorded, no claim is left, the other worker finishes; nothing lost or sent twice', async () => {
    const { tenant } = await setUp({});
    for (let i = 0; i < 3; i++) {
      const r = await receiver(() => ({ status: 200, delayMs: 400 }));
      await createEndpoint(gateway!, tenant.token, { url: r.url });
    }
    const events = await publishMany(tenant.token, 300);
    const [a, b] = [worker(), worker()];
    await Promise.all([a.ready, b.ready]);
    await waitUntil(() => received() >= 150, 60_000, 'the backlog to be under way');

    a.child.kill('SIGTERM');
    await exitWithin(a, 60_000);
    expect(a.child.exitCode, a.output()).toBe(0);
    expect(await leasedBy(a.child.pid!)).toBe(0);
    const [stopped] = logLines(a.output(), 'dispatcher stopped');
    expect(stopped).toMatchObject({ drained: true, released: 0 });
    const stoppedAt = Date.now();

    await waitUntil(async () => (await succeeded()) === 900, 120_000, 'all 900 deliveries');
    for (const r of receivers) {
      expect(idsAt(r)).toHaveLength(300);
      expect(new Set(idsAt(r))).toEqual(new Set(events));
    }
    const [attempts] = await sql!<{ rows: number; max: number }[]>`
      select (select count(*)::int from delivery_attempts) as rows, (select max(attempt_count)::int from deliveries) as max`;
    expect(attempts).toEqual({ rows: 900, max: 1 });
    console.log(
      `graceful stop mid-backlog: 900 deliveries, each sent once; the stopped worker's attempts in flight all recorded, 0 claims left; the rest done ${Date.now() - stoppedAt} ms after it exited (lease ${LONG_LEASE_MS} ms)`,
    );
  });

  it('past SHUTDOWN_TIMEOUT_MS: attempts still in flight are cut and their claims released; a second worker sends them at once, recorded once', async () => {
    const { tenant } = await setUp({});
    // The first ten requests hang far past the stopping worker's timeout; later ones are answered at once.
    const r = await receiver((_, i) => (i < 10 ? { status: 200, delayMs: 20_000 } : { status: 200 }));
    const { endpoint } = await createEndpoint(gateway!, tenant.token, { url: r.url });
    const events = await publishMany(tenant.token, 10);
    const a = worker({ SHUTDOWN_TIMEOUT_MS: '1000' });
    await a.ready;
    await r.waitFor(10, 60_000);

    a.child.kill('SIGTERM');
    await exitWithin(a, 30_000);
    expect(a.child.exitCode, a.output()).toBe(0);
    expect(logLines(a.output(), 'dispatcher stopped')).toEqual([expect.objectContaining({ drained: false, released: 10 })]);
    expect(await leasedBy(a.child.pid!)).toBe(0);
    const rows = await sql!<{ status: string; attempt_count: number; lease_owner: string | null }[]>`
      select status, attempt_count, lease_owner from deliveries`;
    expect(rows).toEqual(Array(10).fill({ status: 'PENDING', attempt_count: 0, lease_owner: null }));

    const b = worker();
    await b.ready;
    const bReady = Date.now();
    await waitUntil(async () => (await succeeded()) === 10, 60_000, 'the released deliveries');
    // Sent twice (the cut request, then the real one), same webhook-id; only the second is an attempt.
    expect(idsAt(r).sort()).toEqual([...events, ...events].sort());
    expect(await sql!`select distinct attempt_count from deliveries`).toEqual([{ attempt_count: 1 }]);
    // A cut attempt is not the endpoint's failure: it never went into recovery.
    expect(await sql!`select health from endpoints where id = ${endpoint.id}`).toEqual([{ health: 'HEALTHY' }]);
    console.log(
      `shutdown timeout: 10 attempts cut and released, sent by the second worker ${Date.now() - bReady} ms after it was ready (lease ${LONG_LEASE_MS} ms)`,
    );
  });

  it('while a retry round is sending: the round finishes its chunk, is recorded and hands back; no activity fails or times out', async () => {
    const { tenant } = await setUp({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s,1s' });
    // First attempts fail; the retries take 3 s to answer, so a round is mid-chunk when the worker is told to stop.
    const r = await receiver((_, i) => (i < 20 ? { status: 500 } : { status: 200, delayMs: 3000 }));
    const { endpoint } = await createEndpoint(gateway!, tenant.token, { url: r.url });
    const events = await publishMany(tenant.token, 20);
    const pair = [worker(), worker()];
    await Promise.all(pair.map((w) => w.ready));
    await r.waitFor(21, 60_000);

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const handle = new Client({ connection }).workflow.getHandle(`endpoint-${endpoint.id}`);
      // The worker running the round: its Temporal identity is its dispatcher's owner, host:pid:suffix.
      const { raw } = await handle.describe();
      const round = raw.pendingActivities?.find((a) => a.activityType?.name === 'sendDueRetries');
      const pid = Number(round?.lastWorkerIdentity?.split(':')[1]);
      const stopping = pair.find((w) => w.child.pid === pid);
      expect(stopping, `no worker runs the round: ${JSON.stringify(round)}`).toBeDefined();

      stopping!.child.kill('SIGTERM');
      await exitWithin(stopping!, 60_000);
      expect(stopping!.child.exitCode, stopping!.output()).toBe(0);
      expect(logLines(stopping!.output(), 'retry round handed back: this worker is stopping').length).toBeGreaterThan(0);
      expect(logLines(stopping!.output(), 'worker stopped')).toEqual([expect.objectContaining({ temporalDrained: true })]);

      await waitUntil(async () => (await succeeded()) === 20, 60_000, 'all 20 retries');
      // Each delivery: one failed first attempt, one retry that succeeded; none cut, none repeated.
      expect(await sql!`select distinct attempt_count from deliveries`).toEqual([{ attempt_count: 2 }]);
      expect(idsAt(r).sort()).toEqual([...events, ...events].sort());
      await waitUntil(async () => (await handle.describe()).status.name === 'COMPLETED', 60_000, 'the workflow to complete');
      const history = await handle.fetchHistory();
      const troubles = (history.events ?? []).filter(
        (e) =>
          e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes || e.activityTaskCanceledEventAttributes,
      );
      expect(troubles).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});

describe('an API stopped with SIGTERM', { timeout: 180_000 }, () => {
  it('under a stream of publishes: every request it took is answered and stored, later ones are refused, none half done', async () => {
    const { tenant } = await setUp({});
    const api = spawnApi({ ...gateway!.env, LOG_LEVEL: 'info' });
    others.push(api);
    const port = Number(new URL(await api.url).port);
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`)
          .then((res) => res.ok)
          .catch(() => false),
      120_000,
      'the API',
    );

    // No keep-alive: each request its own connection, so a refused one is refused before it is read.
    const outcomes = new Map<string, number | string>();
    let n = 0;
    let refused = 0;
    const publishOne = () =>
      new Promise<void>((resolve) => {
        const key = `graceful-${n++}`;
        const body = JSON.stringify({ eventType: 'invoice.paid', payload: { key } });
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/events',
            agent: false,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tenant.token}`,
              'idempotency-key': key,
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume().on('end', () => {
              outcomes.set(key, res.statusCode ?? 0);
              resolve();
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => {
          outcomes.set(key, err.code ?? err.message);
          if (err.code === 'ECONNREFUSED') refused++;
          resolve();
        });
        req.end(body);
      });
    const senders = Array.from({ length: 8 }, async () => {
      while (refused < 20) await publishOne();
    });
    await waitUntil(() => [...outcomes.values()].filter((o) => o === 202).length >= 200, 60_000, '200 publishes');
    api.child.kill('SIGTERM');
    await Promise.all(senders);
    expect(await exitWithin(api, 60_000), api.output()).toBe(0);

    const values = [...outcomes.values()];
    const accepted = [...outcomes].filter(([, o]) => o === 202).map(([k]) => k);
    const stored = (
      await sql!<{ key: string }[]>`select idempotency_key as key from events where tenant_id = ${tenant.tenantId}`
    ).map((row) => row.key);
    // Nothing committed without its answer, and every answered publish committed.
    expect(stored.sort()).toEqual(accepted.sort());
    // Refused before being read (connection refused, or 503 on the way out), never an error mid-request.
    expect(values.filter((o) => ![202, 503, 'ECONNREFUSED', 'ECONNRESET'].includes(o))).toEqual([]);
    console.log(
      `API stop under load: ${accepted.length} publishes answered 202 and stored, ${values.length - accepted.length} refused (${[
        ...new Set(values.filter((o) => o !== 202)),
      ].join(', ')})`,
    );
  });
});
