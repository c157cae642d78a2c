import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CliProcess, exitWithin, logLines, ownerPattern, spawnApi } from '../support/cli-process.ts';
import { createTestDatabase } from '../support/gateway.ts';
import { graphqlAt } from '../support/graphql-at.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// DESIGN §7, proven: 2 API processes and 3 worker processes (each a real `acme-webhooks` process:
// dispatcher + Temporal worker) on one Postgres and one Temporal server. A few thousand events are
// published over REST through both APIs to 20 endpoints on loopback, some failing at first so that
// retries go through their endpoint workflows, while one worker is stopped gracefully (SIGTERM) and
// another is killed (kill -9). Every delivery must arrive; a webhook-id may be accepted twice by an
// endpoint only where the kill -9 forced a retry (counted); every endpoint workflow ends cleanly.

const EVENTS = 3000;
const ENDPOINTS = 20;
/** Endpoints 0..3 answer 500, endpoint 4 answers 429 with Retry-After, while `failing` (at the start and around each stop). */
const FAILING_500 = 4;
const PUBLISH_RATE = 120;
const LEASE_MS = 75_000;

interface Endpoint {
  id: string;
  receiver: Receiver;
  /** When the receiver accepted (2xx) each webhook-id, in order. */
  accepted: Map<string, number[]>;
  events: Set<string>;
}

const taskQueue = `scale-out-${randomUUID()}`;
let env: Record<string, string>;
let sql: postgres.Sql;
const apis: { process: CliProcess; url: string }[] = [];
const workers: WorkerProcess[] = [];
const endpoints: Endpoint[] = [];

/** While true, the failing endpoints fail: their deliveries go to their workflows, which retry them. */
let failing = true;

function respond(index: number) {
  if (failing && index < FAILING_500) return { status: 500 };
  if (failing && index === FAILING_500) return { status: 429, headers: { 'retry-after': '1' } };
  return { status: 200, delayMs: 100 };
}

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  env = {
    NODE_ENV: 'test',
    DATA_DIR: inject('dataDir'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    ADMIN_API_KEY: `acme_admin_${randomBytes(24).toString('base64url')}`,
    SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    // The kill -9's claims come back through its liveness lock, long before this runs out.
    DISPATCHER_LEASE_MS: String(LEASE_MS),
    DELIVERY_RETRY_SCHEDULE: '0s,1s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s',
    MIGRATE_ON_START: 'false',
    WORKER_METRICS_PORT: '0',
  };
  // PORT=0: each API binds a port the system picks, and says which (no port chosen then taken).
  const spawned = [spawnApi(env), spawnApi(env)];
  for (const api of spawned) apis.push({ process: api, url: await api.url });
  for (let i = 0; i < 3; i++) workers.push(spawnWorker(env));
  await Promise.all([...workers.map((w) => w.ready), ...apis.map((a) => waitForReady(a))]);
}, 180_000);

afterAll(async () => {
  for (const p of [...apis.map((a) => a.process), ...workers]) p.child.kill('SIGKILL');
  await Promise.all(endpoints.map((e) => e.receiver.close()));
  await sql?.end();
});

async function waitForReady(api: { process: CliProcess; url: string }): Promise<void> {
  for (;;) {
    if (api.process.child.exitCode !== null) throw new Error(`API exited:\n${api.process.output()}`);
    const ok = await fetch(`${api.url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusCounts = async () =>
  Object.fromEntries(
    (await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from deliveries group by status`).map((r) => [
      r.status,
      r.n,
    ]),
  );
/** (endpoint, webhook-id) pairs an endpoint accepted more than once. */
const duplicates = () =>
  endpoints.flatMap((e) =>
    [...e.accepted].filter(([, times]) => times.length > 1).map(([id, times]) => ({ endpoint: e, id, times })),
  );

describe('2 APIs and 3 workers on one Postgres and one Temporal', () => {
  it('deliver every event of a few thousand while one worker stops gracefully and another is killed -9', async () => {
    const started = Date.now();
    const [api1, api2] = apis as [(typeof apis)[0], (typeof apis)[0]];
    const created = await graphqlAt(
      api1.url,
      env.ADMIN_API_KEY!,
      'mutation { createTenant(input: { name: "Scale" }) { apiKey { token } } }',
    );
    const token: string = created.createTenant.apiKey.token;
    await graphqlAt(api2.url, token, 'mutation { createEventType(input: { name: "invoice.paid" }) { name } }');
    for (let i = 0; i < ENDPOINTS; i++) {
      const accepted = new Map<string, number[]>();
      const receiver = await startReceiver((request) => {
        const answer = respond(i);
        if (answer.status === 200) {
          const id = String(request.headers['webhook-id']);
          accepted.set(id, [...(accepted.get(id) ?? []), request.receivedAt]);
        }
        return answer;
      });
      // One consumer per endpoint: each event goes to exactly one endpoint.
      const data = await graphqlAt(
        i % 2 ? api1.url : api2.url,
        token,
        'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id } } }',
        { input: { url: receiver.url, consumerId: `c${i}` } },
      );
      endpoints.push({ id: data.createEndpoint.endpoint.id, receiver, accepted, events: new Set() });
    }

    // Publishing, paced, 8 at a time through each API; the stops happen while it goes on.
    let published = 0;
    let next = 0;
    let publishError: unknown = null;
    /** True once `fraction` of the events are published; throws at once if publishing failed. */
    const publishedAtLeast = (fraction: number) => {
      if (publishError) throw publishError;
      return published >= EVENTS * fraction;
    };
    const publishStarted = Date.now();
    const sender = (api: (typeof apis)[0]) => async () => {
      for (let n = next++; n < EVENTS; n = next++) {
        const due = publishStarted + (n * 1000) / PUBLISH_RATE;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const response = await fetch(`${api.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `scale-${n}` },
          body: JSON.stringify({ eventType: 'invoice.paid', consumerId: `c${n % ENDPOINTS}`, payload: { n } }),
        });
        expect(response.status).toBe(202);
        const { id, deliveryIds } = (await response.json()) as { id: string; deliveryIds: string[] };
        expect(deliveryIds).toHaveLength(1);
        endpoints[n % ENDPOINTS]!.events.add(id);
        published++;
      }
    };
    const publishing = Promise.all([api1, api2].flatMap((api) => Array.from({ length: 8 }, () => sender(api)()))).catch((err) => {
      publishError = err;
      throw err;
    });
    publishing.catch(() => {}); // awaited below; a failure meanwhile ends the waits at once

    // The failing endpoints fail for the first seconds, and again around each stop, so that endpoint
    // workflows are retrying on every worker when one is stopped and when one is killed.
    setTimeout(() => {
      failing = false;
    }, 3000);

    // 1. A graceful stop (SIGTERM) once a third is published.
    const [graceful, killed, survivor] = workers as [WorkerProcess, WorkerProcess, WorkerProcess];
    await waitUntil(() => publishedAtLeast(0.27), 120_000, 'a quarter of the events published');
    failing = true;
    await waitUntil(() => publishedAtLeast(0.3), 120_000, 'a third of the events published');
    graceful.child.kill('SIGTERM');
    await exitWithin(graceful, 60_000);
    expect(graceful.child.exitCode, graceful.output()).toBe(0);
    const gracefulExitedAt = Date.now();
    failing = false;
    expect(logLines(graceful.output(), 'worker stopped'), graceful.output()).toEqual([
      expect.objectContaining({ drained: true, released: 0, temporalDrained: true }),
    ]);
    expect(
      (
        await sql<
          { n: number }[]
        >`select count(*)::int as n from deliveries where lease_owner like ${ownerPattern(graceful.child.pid!)}`
      )[0]!.n,
    ).toBe(0);

    // 2. kill -9 later, mid-publishing. Nothing but the graceful stop has happened yet: no duplicate so far.
    await waitUntil(() => publishedAtLeast(0.62), 120_000, 'three fifths of the events published');
    failing = true;
    await waitUntil(
      () => publishedAtLeast(0.65) && Date.now() - gracefulExitedAt >= 3000,
      120_000,
      'two thirds of the events published',
    );
    const duplicatesBeforeKill = duplicates().length;
    killed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await killed.exited;
    setTimeout(() => {
      failing = false;
    }, 2000);
    const leasedAtKill = new Set(
      (await sql<{ id: string }[]>`select id from deliveries where lease_owner like ${ownerPattern(killed.child.pid!)}`).map(
        (r) => r.id,
      ),
    );

    await publishing;
    const publishedIn = Date.now() - publishStarted;
    await waitUntil(async () => (await statusCounts()).SUCCEEDED === EVENTS, 180_000, `all ${EVENTS} deliveries`);
    const deliveredAt = Date.now();

    // Every delivery received: each endpoint accepted every event meant for it, and nothing else.
    for (const e of endpoints) {
      expect(e.events.size).toBe(EVENTS / ENDPOINTS);
      expect(new Set(e.accepted.keys())).toEqual(e.events);
    }
    expect(await statusCounts()).toEqual({ SUCCEEDED: EVENTS });
    expect(duplicatesBeforeKill).toBe(0);
    // Any repeat is the kill's: its first copy went out before the kill, from a claim the killed worker
    // held (resent once its lease ran out) or a retry round it was running (resent after the heartbeat timeout).
    const repeats = duplicates();
    const deliveryOf = new Map(
      (
        await sql<{ id: string; endpoint_id: string; event_id: string; durable: boolean }[]>`
        select d.id, d.endpoint_id, d.event_id,
               exists (select 1 from delivery_attempts a where a.delivery_id = d.id and a.path = 'DURABLE') as durable
          from deliveries d`
      ).map((d) => [`${d.endpoint_id}/${d.event_id}`, d]),
    );
    for (const { endpoint, id, times } of repeats) {
      const delivery = deliveryOf.get(`${endpoint.id}/${id}`)!;
      // Said in full when it fails: a repeat sent first after the kill is not the kill's (a survivor's lease or heartbeat ran out?).
      const seen = { delivery, acceptedMsAfterKill: times.map((t) => t - killedAt), heldByKilled: leasedAtKill.has(delivery.id) };
      expect(times[0]!, `repeat first accepted after the kill: ${JSON.stringify(seen)}`).toBeLessThanOrEqual(killedAt + 1000);
      expect(leasedAtKill.has(delivery.id) || delivery.durable, `repeat of ${delivery.id} not explained by the kill`).toBe(true);
    }

    // Retries went through the endpoint workflows, and every workflow ran or ended cleanly.
    const [paths] = await sql<{ fast: number; durable: number }[]>`
      select count(*) filter (where path = 'FAST')::int as fast, count(*) filter (where path = 'DURABLE')::int as durable
        from delivery_attempts`;
    expect(paths!.durable).toBeGreaterThan(0);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const workflows: Record<string, number> = {};
    try {
      for await (const w of new Client({ connection }).workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        workflows[w.status.name] = (workflows[w.status.name] ?? 0) + 1;
      }
    } finally {
      await connection.close();
    }
    expect(Object.keys(workflows).filter((s) => !['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW'].includes(s))).toEqual([]);
    expect((workflows.COMPLETED ?? 0) + (workflows.RUNNING ?? 0)).toBeGreaterThanOrEqual(FAILING_500 + 1);

    // The rest stop cleanly too.
    for (const p of [survivor, ...apis.map((a) => a.process)]) p.child.kill('SIGTERM');
    for (const p of [survivor, ...apis.map((a) => a.process)]) {
      await exitWithin(p, 60_000);
      expect(p.child.exitCode, p.output()).toBe(0);
    }

    const requests = endpoints.reduce((n, e) => n + e.receiver.requests.length, 0);
    console.log(
      [
        `scale-out: ${EVENTS} events published over REST through 2 APIs in ${(publishedIn / 1000).toFixed(1)} s, to ${ENDPOINTS} endpoints (${FAILING_500 + 1} failing at first and around each stop)`,
        `  processes: 2 api + 3 worker (dispatcher + Temporal worker each), one Postgres, one Temporal server`,
        `  stops: 1 SIGTERM (drained, 0 claims left, 0 duplicates), 1 kill -9 (${leasedAtKill.size} claims it held came back without waiting for the ${LEASE_MS / 1000} s lease)`,
        `  deliveries received: ${EVENTS}/${EVENTS} (${requests} requests: ${paths!.fast} first attempts, ${paths!.durable} retries through workflows)`,
        `  duplicates: ${repeats.length} (all forced by the kill -9; 0 by the graceful stop)`,
        `  endpoint workflows: ${Object.entries(workflows)
          .map(([s, n]) => `${n} ${s.toLowerCase()}`)
          .join(', ')}; none failed, terminated or timed out`,
        `  all delivered ${((deliveredAt - publishStarted) / 1000).toFixed(1)} s after publishing began (${((deliveredAt - killedAt) / 1000).toFixed(1)} s after the kill -9); whole test ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
  }, 300_000);
});
