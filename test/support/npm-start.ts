import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePorts, type WatchedProcess } from './cli-process.ts';

const repoRoot = new URL('../..', import.meta.url).pathname;

/** What `npm start` would read from the test run's environment; a user's fresh clone has none of it. */
const INHERITED = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ADMIN_API_KEY', 'SECRETS_MASTER_KEY', 'NODE_ENV', 'WORKER_METRICS_URL'];

export interface NpmStartProcess extends WatchedProcess {
  /** Where the gateway answers, as `npm start` printed it, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The embedded Postgres's database, on the port it was given. */
  databaseUrl: string;
  /** From spawning until it printed where things are. */
  readyMs: number;
}

/**
 * `npm start` as a user runs it, in `dataDir` with `env` on top (e.g. LOG_LEVEL), none of the test
 * run's settings inherited; resolves once it has printed where things are. The API takes PORT=0 and
 * `npm start` prints the port it got; Postgres, the Temporal dev server and the worker's ops port
 * need ports chosen beforehand, chosen again should another process take one first. `detached`:
 * in a process group of its own, so that one kill reaches every process it starts.
 */
export async function spawnNpmStart(
  dataDir: string,
  env: Record<string, string> = {},
  options: { detached?: boolean } = {},
): Promise<NpmStartProcess> {
  const started = await onFreePorts(
    4,
    ([postgresPort, temporalPort, temporalUiPort, workerMetricsPort]) => {
      const merged: NodeJS.ProcessEnv = {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: '0',
        EMBEDDED_POSTGRES_PORT: String(postgresPort),
        TEMPORAL_PORT: String(temporalPort),
        TEMPORAL_UI_PORT: String(temporalUiPort),
        WORKER_METRICS_PORT: String(workerMetricsPort),
        ...env,
      };
      for (const name of INHERITED) delete merged[name];
      const spawnedAt = Date.now();
      const child = spawn('npm', ['start'], {
        cwd: repoRoot,
        env: merged,
        detached: options.detached ?? false,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
      return { child, exited, output: () => output, spawnedAt };
    },
    async (p) => {
      const deadline = Date.now() + 120_000;
      // The last line it prints: the lines after "Ready in" may arrive in later chunks.
      while (!(p.output().includes('Ready in') && p.output().includes('Admin API key'))) {
        if (Date.now() > deadline) throw new Error(`npm start did not get ready within 2 minutes:\n${p.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  );
  const { process: p, ports } = started;
  const url = /GraphQL API\s+(http:\/\/\S+)\/graphql/.exec(p.output())?.[1];
  if (!url) throw new Error(`npm start printed no GraphQL URL:\n${p.output()}`);
  return {
    child: p.child,
    exited: p.exited,
    output: p.output,
    url,
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${ports[0]}/acme_webhooks`,
    readyMs: Date.now() - p.spawnedAt,
  };
}

export interface NpmStarted {
  /** Where the gateway answers, e.g. http://127.0.0.1:41234. */
  url: string;
  dataDir: string;
  child: NpmStartProcess['child'];
  output(): string;
  /** The admin key `npm start` generated into DATA_DIR. */
  adminKey(): Promise<string>;
  /** SIGTERM, as a process manager sends it; resolves with how npm ended. Removes DATA_DIR. */
  stop(): Promise<string>;
}

/** `npm start` from a fresh clone: spawnNpmStart in a fresh DATA_DIR, removed by stop(). */
export async function npmStart(): Promise<NpmStarted> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acme-start-'));
  // Postgres runs as the `postgres` user when we are root: it must be able to reach its folder.
  await chmod(dataDir, 0o755);
  const started = await spawnNpmStart(dataDir, { LOG_LEVEL: 'warn' });
  const { child } = started;
  return {
    url: started.url,
    dataDir,
    child,
    output: started.output,
    adminKey: async () => (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim(),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const how = String(await started.exited);
      await rm(dataDir, { recursive: true, force: true });
      return how;
    },
  };
}
