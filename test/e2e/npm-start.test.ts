import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlAt, processAlive } from '../support/graphql-at.ts';
import { type NpmStartProcess, spawnNpmStart } from '../support/npm-start.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';

// `npm start` as a user runs it: its own embedded Postgres and Temporal dev server in a fresh
// DATA_DIR, then stopped with SIGTERM and started again on the same data.

let dataDir: string;
/** Where the running `npm start` answers (PORT=0: each start gets its own port). */
let base: string;
let receiver: Receiver;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acme-start-'));
  await chmod(dataDir, 0o755);
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function npmStart(): Promise<NpmStartProcess> {
  const started = await spawnNpmStart(dataDir, { LOG_LEVEL: 'warn' });
  base = started.url;
  return started;
}

/** SIGTERM, as a process manager sends it; resolves with how npm ended (npm re-raises the signal). */
async function stop(started: NpmStartProcess): Promise<string> {
  started.child.kill('SIGTERM');
  const how = String(await started.exited);
  expect(started.output()).toContain('[acme] Stopped.');
  return how;
}

/** The API and worker processes running on `dir`: their command lines and environments, from /proc. */
async function rolesOf(dir: string): Promise<{ role: string; argv: string; env: string[] }[]> {
  const found = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const read = (file: string) => readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => '');
    const argv = (await read('cmdline')).split('\0').filter(Boolean).join(' ');
    const env = (await read('environ')).split('\0');
    const role = / (api|worker)$/.exec(argv)?.[1];
    if (role && env.includes(`DATA_DIR=${dir}`)) found.push({ role, argv, env });
  }
  return found;
}

const graphql = (query: string, variables: Record<string, unknown>, token: string) => graphqlAt(base, token, query, variables);

describe('npm start', () => {
  let tenantToken: string;

  it('starts everything, prints where things are, and delivers a signed webhook', async () => {
    const first = await npmStart();
    try {
      const output = first.output();
      // PORT=0: it printed the port the API got, not the 0 it was given.
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(output).toMatch(/Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain(join(dataDir, 'admin-api-key'));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({
        ready: true,
        checks: { postgres: true, temporal: true },
      });

      const adminKey = (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim();
      const created = await graphql('mutation { createTenant(input: { name: "Start" }) { apiKey { token } } }', {}, adminKey);
      tenantToken = created.createTenant.apiKey.token;
      await graphql('mutation { createEventType(input: { name: "invoice.paid" }) { id } }', {}, tenantToken);
      const { createEndpoint } = await graphql(
        'mutation($url: String!) { createEndpoint(input: { url: $url }) { secret } }',
        { url: receiver.url },
        tenantToken,
      );
      const publishedAt = performance.now();
      const { publishEvent } = await graphql(
        'mutation { publishEvent(input: { eventType: "invoice.paid", payload: { ok: true } }) { event { id } } }',
        {},
        tenantToken,
      );
      const [request] = await receiver.waitFor(1);
      const receiptMs = performance.now() - publishedAt;
      expect(request!.headers['webhook-id']).toBe(publishEvent.event.id);
      const headers = Object.fromEntries(Object.entries(request!.headers).map(([k, v]) => [k, String(v)]));
      expect(new Webhook(createEndpoint.secret).verify(request!.body, headers)).toEqual({
        type: 'invoice.paid',
        timestamp: expect.any(String),
        data: { ok: true },
      });
      // One scrape of the one origin sees the API and the worker.
      // (The attempt is recorded just after the receiver answers: poll briefly.)
      let metrics = '';
      for (let i = 0; i < 50 && !metrics.includes('path="FAST"} 1'); i++) {
        metrics = await (await fetch(`${base}/metrics`)).text();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(metrics).toContain('acme_api_process_cpu_seconds_total');
      // The roles run as the image runs them: the bundled CLI on plain node (no tsx loader thread,
      // ~40 MB each), with two malloc arenas.
      const roles = await rolesOf(dataDir);
      expect(roles.map((r) => r.role).sort()).toEqual(['api', 'worker']);
      for (const role of roles) {
        expect(role.argv).not.toContain('tsx');
        expect(role.argv).toMatch(
          /--enable-source-maps \S+\/node_modules\/\.cache\/acme-webhooks\/cli\/\w+\/cli\.js (api|worker)$/,
        );
        expect(role.env).toContain('MALLOC_ARENA_MAX=2');
      }
      expect(metrics).toContain('acme_delivery_attempts_total{outcome="SUCCESS",path="FAST"} 1');
      console.log(`npm start: ready in ${first.readyMs} ms; publish→receipt ${receiptMs.toFixed(1)} ms`);
    } finally {
      const postgresPid = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const temporalPid = Number(await readFile(join(dataDir, 'temporal', 'temporal.pid'), 'utf8'));
      expect(processAlive(postgresPid)).toBe(true);
      expect(processAlive(temporalPid)).toBe(true);
      expect(await stop(first)).toMatch(/SIGTERM|exit 0/);
      // Nothing it started outlives it.
      expect(processAlive(postgresPid)).toBe(false);
      expect(processAlive(temporalPid)).toBe(false);
    }
  });

  it('keeps every piece of data across a restart on the same DATA_DIR', async () => {
    const second = await npmStart();
    try {
      const { viewer } = await graphql('{ viewer { tenant { name } } }', {}, tenantToken);
      expect(viewer.tenant.name).toBe('Start');
      console.log(`npm start (warm, existing data): ready in ${second.readyMs} ms`);
    } finally {
      expect(await stop(second)).toMatch(/SIGTERM|exit 0/);
    }
  });

  it('stops Postgres and Temporal even when npm itself is killed with SIGKILL', async () => {
    const third = await npmStart();
    const postgresPid = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const temporalPid = Number(await readFile(join(dataDir, 'temporal', 'temporal.pid'), 'utf8'));
    third.child.kill('SIGKILL');
    const deadline = Date.now() + 30_000;
    while ((processAlive(postgresPid) || processAlive(temporalPid)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(processAlive(postgresPid)).toBe(false);
    expect(processAlive(temporalPid)).toBe(false);
  });
});
