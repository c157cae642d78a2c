import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@acme/infra-local/ports';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../support/receiver.ts';

// kill -9 of the whole stack — `npm start` with its API, worker, Postgres and Temporal dev server,
// every process at once — while first attempts are in flight and retries wait in their workflows,
// then `npm start` again on the same data: every delivery completes, none is lost, and a repeat
// only ever carries the same webhook-id.

const repoRoot = new URL('../..', import.meta.url).pathname;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let base: string;
let databaseUrl: string;
let stack: ChildProcess | undefined;
const receivers: Receiver[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acme-stack-crash-'));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const postgresPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  databaseUrl = `postgres://postgres:postgres@127.0.0.1:${postgresPort}/acme_webhooks`;
  env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_POSTGRES_PORT: String(postgresPort),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    WORKER_METRICS_PORT: String(await freePort()),
    // A crashed dispatcher's claims come back after the lease; the default (75 s) outlasts any endpoint timeout.
    DISPATCHER_LEASE_MS: '5000',
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'ADMIN_API_KEY',
    'SECRETS_MASTER_KEY',
    'NODE_ENV',
    'WORKER_METRICS_URL',
  ])
    delete env[name];
});

afterAll(async () => {
  if (stack?.pid && stack.exitCode === null) killGroup(stack);
  await Promise.all(receivers.map((r) => r.close()));
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm start` in a process group of its own, so that one kill reaches every process it starts. */
async function npmStart(): Promise<ChildProcess> {
  const child = spawn('npm', ['start'], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Ready in')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

function killGroup(child: ChildProcess): void {
  process.kill(-(child.pid as number), 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function graphql(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

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
      await until(async () => {
        const [row] = await sql<{ waiting: number; inFlight: number }[]>`
          select count(*) filter (where endpoint_id = ${failingEndpoint} and handler = 'WORKFLOW' and handed_off)::int as waiting,
                 count(*) filter (where endpoint_id = ${slowEndpoint} and lease_owner is not null)::int as "inFlight"
            from deliveries where status = 'PENDING'`;
        return row!.waiting > 0 && row!.inFlight > 0;
      }, 'retries waiting and first attempts in flight');
      killGroup(stack);
    } finally {
      await sql.end().catch(() => {});
    }
    const killedAt = Date.now();
    const inFlight = slow.requests.length;
    await until(async () => !alive(postgresPid) && !alive(temporalPid), 'every process to die', 10_000);
    failingUp = true;

    stack = await npmStart();
    const restartedMs = Date.now() - killedAt;
    const after = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await until(
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
    // Two `npm start`s (each up to 2 min on a busy machine) and up to 90 s of deliveries: its own
    // deadlines, not the suite's 60 s default, decide when it has failed.
  }, 360_000);
});
