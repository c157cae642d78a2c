import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { migrateDatabase } from '@acme/core';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { startTemporalDevServer } from './temporal-cli.ts';

export interface InfrastructureOptions {
  dataDir: string;
  /** Use this Postgres instead of starting one. */
  databaseUrl?: string | undefined;
  postgresPort: number;
  /** Use this Temporal server instead of starting the dev server. */
  temporalAddress?: string | undefined;
  temporalPort: number;
  temporalUiPort: number;
  temporalNamespace: string;
  /** TEMPORAL_CLI_PATH: the Temporal CLI to run the dev server with, instead of searching for one. */
  temporalCliPath?: string | undefined;
  /** Progress lines for a person watching. */
  log: (line: string) => void;
}

export interface Infrastructure {
  databaseUrl: string;
  temporalAddress: string;
  /** Set when the dev server was started here. */
  temporalUiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Brings up what the gateway stands on: Postgres (embedded unless a URL is given) with
 * migrations applied, and Temporal (the dev server unless an address is given). Their own logs
 * go to DATA_DIR/logs so the console stays readable.
 */
export async function startInfrastructure(options: InfrastructureOptions): Promise<Infrastructure> {
  const logDir = join(options.dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let databaseUrl = options.databaseUrl;
    let temporalAddress = options.temporalAddress;
    let temporalUiUrl: string | null = null;

    if (!databaseUrl) options.log(`Starting embedded Postgres on port ${options.postgresPort}...`);
    if (!temporalAddress) options.log(`Starting the Temporal dev server on port ${options.temporalPort}...`);
    const [pg, temporal] = await Promise.allSettled([
      databaseUrl
        ? null
        : startEmbeddedPostgres({
            dataDir: join(options.dataDir, 'postgres'),
            port: options.postgresPort,
            log: fileLog(join(logDir, 'postgres.log')),
          }),
      temporalAddress
        ? null
        : startTemporalDevServer({
            dataDir: join(options.dataDir, 'temporal'),
            port: options.temporalPort,
            uiPort: options.temporalUiPort,
            namespace: options.temporalNamespace,
            cliPath: options.temporalCliPath,
            log: fileLog(join(logDir, 'temporal.log')),
            progress: options.log,
          }),
    ]);
    for (const started of [pg, temporal]) {
      if (started.status === 'fulfilled' && started.value) stops.push(started.value.stop);
    }
    for (const started of [pg, temporal]) if (started.status === 'rejected') throw started.reason;
    if (pg.status === 'fulfilled' && pg.value) databaseUrl = pg.value.databaseUrl;
    if (temporal.status === 'fulfilled' && temporal.value) {
      temporalAddress = temporal.value.address;
      temporalUiUrl = temporal.value.uiUrl;
    }
    await migrateDatabase(databaseUrl as string);
    return { databaseUrl: databaseUrl as string, temporalAddress: temporalAddress as string, temporalUiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function fileLog(path: string): (line: string) => void {
  const stream = createWriteStream(path, { flags: 'a' });
  return (line) => stream.write(`${line}\n`);
}
