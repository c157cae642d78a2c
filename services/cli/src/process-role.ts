import { setFlagsFromString } from 'node:v8';
import {
  type Config,
  createLogger,
  type Logger,
  loadConfig,
  loadDotEnv,
  migrateDatabase,
  pendingMigrations,
  surviveClosedSocketWrites,
} from '@acme/core';

/**
 * What every role starts from: `.env`, the validated configuration, a logger named for the role,
 * and a process that survives the database restarting under it.
 */
export function boot(role: string): { config: Config; logger: Logger } {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, role);
  surviveClosedSocketWrites(logger);
  return { config, logger };
}

/**
 * For the long-running roles: V8 lets the old generation grow by up to ~4x its live size before a
 * full collection, so an API at 600 requests/s (a live heap of ~60 MB) peaked near 180 MB of heap,
 * mostly garbage. Growing by 20 % at a time keeps RSS ~35 MB lower per process for ~5 % more GC
 * time (test/load/README.md, "Levers"). A soft setting, read at each collection: unlike
 * --max-old-space-size, a burst of large requests still gets the heap it needs.
 */
export function growHeapSlowly(): void {
  setFlagsFromString('--heap-growing-percent=20');
}

/**
 * Migrates at start when MIGRATE_ON_START says so (the default outside production); otherwise
 * refuses a database that is behind this version, rather than failing later on a missing column.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<void> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required (only `start` runs an embedded Postgres).');
  if (config.migrateOnStart) {
    await migrateDatabase(config.databaseUrl, { log: (fields, message) => logger.warn(fields, message) });
    return;
  }
  const pending = await pendingMigrations(config.databaseUrl);
  if (pending > 0) {
    throw new Error(
      `The database is ${pending} migration(s) behind this version. Run \`acme-webhooks migrate\` first, or set MIGRATE_ON_START=true.`,
    );
  }
  logger.debug('database schema is current');
}

/** How long past SHUTDOWN_TIMEOUT_MS a stop may still take (closing pools, flushing spans) before the process exits anyway. */
const EXIT_MARGIN_MS = 5000;

/**
 * Stops the role on SIGINT/SIGTERM, or when the `npm start` launcher that started it (over IPC)
 * goes away; exits 0 when it stopped cleanly. The role's own stop keeps within SHUTDOWN_TIMEOUT_MS;
 * should it hang anyway, the process exits 1 shortly after. A second signal while stopping changes
 * nothing (Ctrl-C reaches both `npm start` and its children): SIGKILL is the way to cut it short.
 */
export function stopOnSignals(config: Config, logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'stopping');
    const started = Date.now();
    setTimeout(() => {
      logger.error({ afterMs: Date.now() - started }, 'did not stop in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + EXIT_MARGIN_MS).unref();
    stop().then(
      () => {
        logger.info({ tookMs: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('disconnect', () => onSignal('disconnect'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => onSignal(signal));
}
