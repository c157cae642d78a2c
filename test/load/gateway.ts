import type { ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@acme/core';
import { type Infrastructure, startInfrastructure } from '@acme/infra-local/infrastructure';
import { bundledRoles } from '../../services/cli/build-cli.ts';
import { withFreePorts } from '../support/cli-process.ts';
import { spawnNode, stopChild, waitForMessage } from './child-process.ts';
import { now, sleep } from './clock.ts';
import { preloadStatementStats } from './pg-stats.ts';
import type { ProcessGroup } from './process-stats.ts';
import type { TemporalTarget } from './temporal-probe.ts';

const DEFAULT_LEASE_MS = 75_000;

/** The gateway under test, however it was found or started. */
export interface GatewayTarget {
  url: string;
  adminKey: string;
  /** Needed for the floor (it writes to the same Postgres); null when not given with --url. */
  databaseUrl: string | null;
  temporal: TemporalTarget | null;
  /** Where the per-process cost figures come from; pids are read at each sample (the worker restarts). */
  processGroups: ProcessGroup[];
  /** Set when the benchmark runs the worker process itself, and so may kill -9 and restart it. */
  worker: WorkerControl | null;
  /** How long a crashed dispatcher's claims stay leased (DISPATCHER_LEASE_MS). */
  leaseMs: number;
  /** Gateway environment variables set on purpose (levers), for the report. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

export interface WorkerControl {
  /** kill -9, and wait until it is gone. */
  kill(): Promise<void>;
  /** Starts a new worker process; resolves with the ms until it said it is ready (dispatcher running). */
  start(): Promise<number>;
}

export interface OwnGatewayOptions {
  /** Extra gateway environment (levers under test), on top of the embedded defaults. */
  settings?: Record<string, string>;
  log: (line: string) => void;
  /** Node flags for the API and worker processes (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Restart the embedded Postgres with pg_stat_statements loaded, to see where its time goes. */
  pgStatStatements?: boolean;
}

/**
 * `npm start`, for measuring: a fresh DATA_DIR under the temp folder, embedded Postgres and the
 * Temporal dev server on free ports, and the API and worker as separate processes.
 */
export async function startOwnGateway(options: OwnGatewayOptions): Promise<GatewayTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acme-bench-'));
  // Postgres runs as the `postgres` user when we are root: it must be able to reach its folder.
  await chmod(dataDir, 0o755);
  const env: Record<string, string> = {
    ...inheritedEnv(),
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    // The API binds a free port and reports it; the other ports cannot be 0 (see withFreePorts).
    PORT: '0',
    ...options.settings,
  };
  // As `npm start` does: read the config once, generating the dev keys into DATA_DIR.
  const config = loadConfig(env);
  let infra: Infrastructure | null = null;
  try {
    options.log(`Data in ${dataDir}`);
    const startInfra = () =>
      withFreePorts(3, ([postgresPort, temporalPort, temporalUiPort]) =>
        startInfrastructure({
          dataDir,
          postgresPort: postgresPort!,
          temporalPort: temporalPort!,
          temporalUiPort: temporalUiPort!,
          temporalNamespace: config.temporal.namespace,
          log: options.log,
        }),
      );
    infra = await startInfra();
    if (options.pgStatStatements) {
      // infra/local takes no Postgres flags: set the library in postgresql.auto.conf, and start again.
      await preloadStatementStats(infra.databaseUrl);
      await infra.stop();
      infra = null;
      infra = await startInfra();
    }
    const started = infra;
    const processes = await withFreePorts(1, ([workerMetricsPort]) =>
      startGatewayProcesses({
        env: {
          ...env,
          DATABASE_URL: started.databaseUrl,
          TEMPORAL_ADDRESS: started.temporalAddress,
          // Migrated by startInfrastructure, once, before either role starts (as npm start does).
          MIGRATE_ON_START: 'false',
          WORKER_METRICS_PORT: String(workerMetricsPort),
          WORKER_METRICS_URL: `http://127.0.0.1:${workerMetricsPort}/metrics`,
        },
        logDir: join(dataDir, 'logs'),
        nodeArgs: options.nodeArgs,
      }),
    );
    return {
      ...processes,
      adminKey: config.adminApiKey,
      processGroups: [...processes.processGroups, ...infrastructureProcessGroups(dataDir)],
      settings: options.settings ?? {},
      async stop() {
        await processes.stop();
        await started.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await infra?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Postgres (the postmaster and all its backends) and the Temporal dev server that infra/local started in `dataDir`. */
export function infrastructureProcessGroups(dataDir: string): ProcessGroup[] {
  return [
    { name: 'postgres', pid: () => pidFromFile(join(dataDir, 'postgres', 'postmaster.pid')), withChildren: true },
    { name: 'temporal', pid: () => pidFromFile(join(dataDir, 'temporal', 'temporal.pid')) },
  ];
}

export interface GatewayProcessesOptions {
  /** The full gateway environment: DATABASE_URL, TEMPORAL_ADDRESS, PORT, DATA_DIR, keys... */
  env: Record<string, string>;
  /** api.log and worker.log go here. */
  logDir: string;
  nodeArgs?: string[] | undefined;
}

/**
 * The CLI's `api` and `worker` roles as child processes, exactly as `npm start` runs them, on infrastructure
 * that is already up (ours, or the test suite's). Resolves when the API is ready and the worker's
 * Temporal side polls its task queue, so no phase measures a process still warming up.
 */
export async function startGatewayProcesses(
  options: GatewayProcessesOptions,
): Promise<Omit<GatewayTarget, 'adminKey' | 'settings'>> {
  const config = loadConfig(options.env);
  await mkdir(options.logDir, { recursive: true });
  const output = (name: string) => {
    const fd = openSync(join(options.logDir, `${name}.log`), 'a');
    return ['ignore', fd, fd, 'ipc'] as const;
  };
  // As `npm start` runs them.
  const roles = await bundledRoles();
  const spawnRole = (role: 'api' | 'worker') =>
    spawnNode(roles.cli, {
      args: [role],
      env: { ...roles.env, ...options.env },
      cwd: config.dataDir,
      stdio: [...output(role)],
      nodeArgs: [...roles.execArgv, ...(options.nodeArgs ?? [])],
    });

  const api = spawnRole('api');
  let worker: ChildProcess | null = null;
  const stop = async () => {
    await Promise.all([stopChild(api, 15_000), worker ? stopChild(worker, 20_000) : Promise.resolve()]);
  };
  const startWorker = async () => {
    const started = now();
    worker = spawnRole('worker');
    await waitForMessage(worker, (m: { ready?: boolean }) => (m?.ready ? true : undefined), 'The worker');
    return now() - started;
  };

  try {
    // Where the API says it listens: with PORT=0 the system chose the port.
    const listening = waitForMessage(api, (m: { listening?: string }) => m?.listening, 'The API');
    const [url] = await Promise.all([
      listening.then(async (at) => {
        const url = `http://127.0.0.1:${new URL(at).port || 80}`;
        await waitUntilReady(`${url}/readyz`, api);
        return url;
      }),
      startWorker(),
    ]);
    return {
      url,
      databaseUrl: config.databaseUrl ?? null,
      temporal: config.temporal.address
        ? { address: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue }
        : null,
      processGroups: [
        { name: 'api', pid: () => livePid(api) },
        { name: 'worker', pid: () => (worker ? livePid(worker) : null) },
      ],
      leaseMs: config.delivery.dispatcherLeaseMs,
      worker: {
        async kill() {
          const victim = worker;
          if (!victim || victim.exitCode !== null || victim.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => victim.once('exit', () => resolve()));
          victim.kill('SIGKILL');
          await exited;
        },
        start: startWorker,
      },
      stop,
    };
  } catch (err) {
    await stop();
    // Their last words (e.g. EADDRINUSE on the worker's ops port, which withFreePorts retries).
    const last = ['api', 'worker'].map((name) => `${name}.log: ${lastLines(join(options.logDir, `${name}.log`))}`);
    throw new Error(`${(err as Error).message}; see ${options.logDir}/api.log and worker.log\n${last.join('\n')}`);
  }
}

export interface RunningGatewayOptions {
  url: string;
  adminKey: string;
  databaseUrl?: string | undefined;
  temporal?: TemporalTarget | undefined;
  pids: Partial<Record<'api' | 'worker' | 'postgres' | 'temporal', number>>;
  leaseMs?: number | undefined;
}

/** A gateway someone else runs (`--url`): no kill -9 of its worker, cost figures only for the pids given. */
export function runningGateway(options: RunningGatewayOptions): GatewayTarget {
  const groups: ProcessGroup[] = Object.entries(options.pids).map(([name, pid]) => ({
    name,
    pid: () => pid ?? null,
    withChildren: name === 'postgres',
  }));
  return {
    url: options.url.replace(/\/$/, ''),
    adminKey: options.adminKey,
    databaseUrl: options.databaseUrl ?? null,
    temporal: options.temporal ?? null,
    processGroups: groups,
    worker: null,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    settings: {},
    stop: async () => {},
  };
}

/** Our environment minus the gateway's own variables, so only what the benchmark sets reaches the gateway. */
function inheritedEnv(): Record<string, string> {
  const gatewayVariables = new Set(Object.keys(loadConfigShape()));
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !gatewayVariables.has(e[0])),
  );
}

/** The variables `.env.example` documents. */
function loadConfigShape(): Record<string, true> {
  const example = readFileSync(fileURLToPath(new URL('../../.env.example', import.meta.url)), 'utf8');
  return Object.fromEntries([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => [m[1] as string, true]));
}

function lastLines(path: string, count = 5): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(none)';
  }
}

function livePid(child: ChildProcess): number | null {
  return child.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null;
}

function pidFromFile(path: string): number | null {
  try {
    return Number(readFileSync(path, 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

async function waitUntilReady(url: string, api: ChildProcess): Promise<void> {
  const deadline = now() + 120_000;
  while (now() < deadline) {
    if (api.exitCode !== null) throw new Error(`The API exited (code ${api.exitCode})`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`The API was not ready at ${url} within 2 minutes`);
}
