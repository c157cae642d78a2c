import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { pendingMigrations } from '@acme/core';
import { freePort } from '@acme/infra-local/ports';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI_SOURCE, type CliEntry, type CliProcess, spawnCli } from '../support/cli-process.ts';
import { createEmptyDatabase } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';

// The process roles as an operator runs them: `migrate` as its own step, then `api` and `worker`
// as separate processes against an external Postgres and Temporal, both from source (tsx) and
// from the built CLI (plain node, as the container image runs it).

const repoRoot = new URL('../..', import.meta.url).pathname;

function roleEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATA_DIR: inject('dataDir'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `roles-${randomUUID()}`,
    ADMIN_API_KEY: `acme_admin_${randomBytes(24).toString('base64url')}`,
    SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function exitOf(p: CliProcess, timeoutMs = 60_000): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${p.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function appliedMigrations(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    return row!.n;
  } finally {
    await sql.end();
  }
}

describe('acme-webhooks migrate', () => {
  it('runs from two processes at once against a fresh database: both succeed, the schema is applied once', async () => {
    const url = await createEmptyDatabase();
    const env = roleEnv(url);
    const runs = [spawnCli(['migrate'], env), spawnCli(['migrate'], env)];
    const codes = await Promise.all(runs.map((r) => exitOf(r)));
    expect(codes, runs.map((r) => r.output()).join('\n')).toEqual([0, 0]);
    expect(await pendingMigrations(url)).toBe(0);
    const files = (await import('drizzle-orm/migrator')).readMigrationFiles({
      migrationsFolder: (await import('@acme/schema/migrations')).migrationsFolder,
    });
    expect(await appliedMigrations(url)).toBe(files.length);
  });

  it('a role told not to migrate refuses a database that is behind, and names the command that fixes it', async () => {
    const url = await createEmptyDatabase();
    const api = spawnCli(['api'], roleEnv(url, { MIGRATE_ON_START: 'false', PORT: '0' }));
    expect(await exitOf(api)).toBe(1);
    expect(api.output()).toContain('behind this version. Run `acme-webhooks migrate` first');
  });

  it('in production, refuses to start without its settings and names every missing one', async () => {
    const required = ['SECRETS_MASTER_KEY', 'ADMIN_API_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS'];
    // Unset explicitly: variables of the test run's own environment must not fill the gaps.
    const env = {
      NODE_ENV: 'production',
      DATA_DIR: inject('dataDir'),
      ...Object.fromEntries(required.map((n) => [n, undefined])),
    };
    const api = spawnCli(['api'], env);
    expect(await exitOf(api)).toBe(2);
    for (const name of required) expect(api.output()).toContain(`${name}: required when NODE_ENV=production`);
  });
});

const built: CliEntry = { entry: '', execArgv: ['--enable-source-maps'] };
const builtDir = `${repoRoot}services/cli/dist/test-${randomUUID()}`;

describe.each([
  ['from source (node --import tsx)', CLI_SOURCE],
  ['built (plain node, as the image runs it)', built],
])('api and worker as separate processes, %s', (_name, cli) => {
  let receiver: Receiver;
  let env: Record<string, string>;
  let api: CliProcess;
  let worker: CliProcess;
  let base: string;
  let workerOps: string;

  beforeAll(async () => {
    if (cli === built) {
      await promisify(execFile)(process.execPath, ['--import', 'tsx', 'services/cli/build.ts', '--outdir', builtDir], {
        cwd: repoRoot,
      });
      built.entry = `${builtDir}/cli.js`;
    }
    // The receiver fails the first request, so the delivery goes through its endpoint's workflow.
    receiver = await startReceiver((_, i) => (i === 0 ? { status: 503 } : { status: 200 }));
    const port = await freePort();
    const opsPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    workerOps = `http://127.0.0.1:${opsPort}`;
    env = roleEnv(await createEmptyDatabase(), {
      PORT: String(port),
      WORKER_METRICS_PORT: String(opsPort),
      MIGRATE_ON_START: 'false',
      DELIVERY_RETRY_SCHEDULE: '0s,1s,1s',
    });
    const migrate = spawnCli(['migrate'], env, cli);
    expect(await exitOf(migrate), migrate.output()).toBe(0);
    api = spawnCli(['api'], env, cli);
    worker = spawnCli(['worker'], env, cli);
    await Promise.all([waitFor200(`${base}/readyz`, api), waitFor200(`${workerOps}/readyz`, worker)]);
  }, 180_000);

  afterAll(async () => {
    api?.child.kill('SIGKILL');
    worker?.child.kill('SIGKILL');
    await receiver?.close();
    if (cli === built) await rm(builtDir, { recursive: true, force: true });
  });

  it('serves health, readiness, metrics and the portal from each process', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${workerOps}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${workerOps}/readyz`)).json()).toEqual({
      ready: true,
      checks: { postgres: true, temporal: true },
    });
    expect(await (await fetch(`${workerOps}/metrics`)).text()).toContain('acme_delivery_attempts_total');
    // The built portal (the bundle copies services/portal/dist beside itself), and its client-side routes.
    const html = await (await fetch(`${base}/session`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('<div id="root"></div>');
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    // Read to the end: a response left unread keeps its connection busy, and the API could not stop.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('delivers a published event: first attempt by the dispatcher, the retry by the endpoint workflow', async () => {
    const gql = async (query: string, token: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const tenant = await gql(`mutation { createTenant(input: { name: "Roles" }) { apiKey { token } } }`, env.ADMIN_API_KEY!);
    const token: string = tenant.createTenant.apiKey.token;
    await gql(`mutation { createEventType(input: { name: "invoice.paid" }) { name } }`, token);
    await gql(`mutation($url: String!) { createEndpoint(input: { url: $url }) { endpoint { id } } }`, token, {
      url: receiver.url,
    });
    const published = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ eventType: 'invoice.paid', payload: { invoice: 42 } }),
    });
    expect(published.status).toBe(202);
    const { id, deliveryIds } = (await published.json()) as { id: string; deliveryIds: string[] };
    const [first, second] = await receiver.waitFor(2, 60_000);
    expect([first!.headers['webhook-id'], second!.headers['webhook-id']]).toEqual([id, id]);
    const deadline = Date.now() + 30_000;
    let delivery: any;
    do {
      delivery = (await gql(`query($id: ID!) { delivery(id: $id) { status attempts { path } } }`, token, { id: deliveryIds[0] }))
        .delivery;
      if (delivery.status === 'SUCCEEDED') break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    expect(delivery).toEqual({ status: 'SUCCEEDED', attempts: [{ path: 'FAST' }, { path: 'DURABLE' }] });
  });

  it('stops both processes cleanly on SIGTERM', async () => {
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await exitOf(api, 30_000), api.output()).toBe(0);
    expect(await exitOf(worker, 30_000), worker.output()).toBe(0);
  });
});

async function waitFor200(url: string, process: CliProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`exited early:\n${process.output()}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready:\n${process.output()}`);
}
