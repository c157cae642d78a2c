import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { graphqlAt, processAlive } from '../support/graphql-at.ts';
import { spawnNpmStart } from '../support/npm-start.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';

// kill -9 of the whole stack — `npm start` with its API, worker, Postgres and Temporal dev server,
// every process at once — while first attempts are in flight and retries wait in their workflows,
// then `npm start` again on the same data: every delivery completes, none is lost, and a repeat
// only ever carries the same webhook-id.

let dataDir: string;
/** Where the running `npm start` answers, and its database (each start gets its own ports). */
let base: string;
let databaseUrl: string;
let stack: ChildProcess | undefined;
const receivers: Receiver[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acme-stack-crash-'));
  await chmod(dataDir, 0o755);
});

afterAll(async () => {
  if (stack?.pid && stack.exitCode === null) killGroup(stack);
  await Promise.all(receivers.map((r) => r.close()));
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm start` in a process group of its own, so that one kill reaches every process it starts. */
async function npmStart(): Promise<ChildProcess> {
  const started = await spawnNpmStart(
    dataDir,
    // A crashed dispatcher's claims come back through its liveness lock, not after the lease (75 s).
    { LOG_LEVEL: 'warn' },
    { detached: true },
  );
  base = started.url;
  databaseUrl = started.databaseUrl;
  return started.child;
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch (err) {
    // ESRCH: the group is gone already (npm start exited); there is nothing left to kill.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

const graphql = (query: string, variables: Record<string, unknown>, token: string) => graphqlAt(base, token, query, variables);

describe('kill -9 of the whole stack', () => {
  it('while first attempts are in flight and retries wait: all delivered after a restart on the same data', async () => {
    let failingUp = false;
    const slow = await startReceiver(() => ({ status: 200, delayMs: 400 }));
    const failing = await startReceiver(() => ({ status: failingUp ? 200 : 500 }));
    receivers.push(slow, failing);

    stack = await npmStart();
    const adminKey = (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim();
    const token = (await graphql('mutation { createTenant(input: { name: "Crash" }) { apiKey { token } } }', {}, adminKey))
      .createTenant.apiKey.token;
    await graphql('mutation { createEventType(input: { name: "invoice.paid" }) { id } }', {}, token);
    const create = 'mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { endpoint { id } } }';
    const slowEndpoint = (await graphql(create, { input: { url: slow.url } }, token)).createEndpoint.endpoint.id;
    const failingEndpoint = (
      await graphql(create, { input: { url: failing.url, retrySchedule: '0s,2s,2s,2s,2s,2s,2s,2s' } }, token)
    ).createEndpoint.endpoint.id;
    const events: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { publishEvent } = await graphql(
        'mutation($n: Int!) { publishEvent(input: { eventType: "invoice.paid", payload: { n: $n } }) { event { id } } }',
        { n: i },
        token,
      );
      events.push(publishEvent.event.id);
    }

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    const postgresPid = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const temporalPid = Number(await readFile(join(dataDir, 'temporal', 'temporal.pid'), 'utf8'));
    try {
      // Killed the moment retries wait in the failing endpoint's workflow while first attempts to the
      // slow endpoint (400 ms each) are claimed and under way.
      await eventually(
        async () => {
          const [row] = await sql<{ waiting: number; inFlight: number }[]>`
          select count(*) filter (where endpoint_id = ${failingEndpoint} and handler = 'WORKFLOW' and handed_off)::int as waiting,
                 count(*) filter (where endpoint_id = ${slowEndpoint} and lease_owner is not null)::int as "inFlight"
            from deliveries where status = 'PENDING'`;
          return row!.waiting > 0 && row!.inFlight > 0;
        },
        'retries waiting and first attempts in flight',
        60_000,
      );
      killGroup(stack);
    } finally {
      await sql.end().catch(() => {});
    }
    const killedAt = Date.now();
    const inFlight = slow.requests.length;
    await eventually(async () => !processAlive(postgresPid) && !processAlive(temporalPid), 'every process to die', 10_000);
    failingUp = true;

    stack = await npmStart();
    const restartedMs = Date.now() - killedAt;
    const after = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await eventually(
        async () => {
          const [row] = await after<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'SUCCEEDED'`;
          return row!.n === 60;
        },
        'all 60 deliveries to succeed',
        90_000,
      );
      expect(await after`select status, count(*)::int as n from deliveries group by status`).toEqual([
        { status: 'SUCCEEDED', n: 60 },
      ]);
    } finally {
      await after.end();
    }
    const doneMs = Date.now() - killedAt;
    for (const r of [slow, failing])
      expect(new Set(r.requests.map((q) => String(q.headers['webhook-id'])))).toEqual(new Set(events));
    const repeats = slow.requests.length + failing.requests.filter((q) => q.receivedAt > killedAt).length - 60;
    console.log(
      `kill -9 of the whole stack (${inFlight} first attempts had reached the slow endpoint): ready again ${restartedMs} ms ` +
        `after the kill, all 60 deliveries done ${doneMs} ms after it (lease 5 s); ${Math.max(0, repeats)} repeated`,
    );
    const stopped = new Promise((resolve) => stack!.once('exit', resolve));
    stack.kill('SIGTERM');
    await stopped;
    // Two cold starts of the whole stack (up to 120 s each) and up to 90 s for the deliveries: the
    // default 60 s cut it short on a loaded machine while every step was still within its own deadline.
  }, 360_000);
});
