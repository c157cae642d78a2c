import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
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
