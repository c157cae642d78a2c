import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { delimiter, join } from 'node:path';
import { TEMPORAL_CLI_VERSION, temporalCacheDir } from '@acme/infra-local/temporal-cli';
import postgres from 'postgres';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  postgres: string | null;
  temporalCli: string | null;
  /** 1, 5 and 15 minute load averages: above the core count, something else was using the CPU. */
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[] | null;
}

export async function describeMachine(databaseUrl: string | null): Promise<MachineInfo> {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    postgres: databaseUrl ? await postgresVersion(databaseUrl) : null,
    temporalCli: temporalCliVersion(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    loadAverageAtEnd: null,
  };
}

async function postgresVersion(databaseUrl: string): Promise<string | null> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`;
    return row?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await sql.end();
  }
}

/** The CLI infra/local would run (TEMPORAL_CLI_PATH, PATH, our cache), asked for its version; never built here. */
function temporalCliVersion(): string | null {
  const cached = join(temporalCacheDir(), 'temporal');
  const candidates = [
    process.env.TEMPORAL_CLI_PATH,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'temporal')),
    cached,
  ].filter((p): p is string => Boolean(p));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
      // Our cache holds the CLI built from source at a pinned tag, which reports itself as a dev build.
      return path === cached ? `${TEMPORAL_CLI_VERSION} (${version})` : version;
    } catch {}
  }
  return null;
}
