import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';
import { goInstall, goIsUsable, isExecutable, toolCacheDir } from './go-tools.ts';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Outside the clone, so every fresh clone, test run and CI run on this machine reuses one build. */
export function temporalCacheDir(): string {
  return toolCacheDir(`temporal-${TEMPORAL_CLI_VERSION}`);
}

/**
 * Finds the Temporal CLI: `cliPath` (TEMPORAL_CLI_PATH), then `temporal` on PATH, then our cache
 * folder; else builds it there with `go install` (about 5 minutes the first time).
 */
export async function findOrBuildTemporalCli(
  log: (line: string) => void = console.error,
  cliPath: string | undefined = undefined,
): Promise<string> {
  if (cliPath) {
    if (await isExecutable(cliPath)) return cliPath;
    throw new Error(`TEMPORAL_CLI_PATH=${cliPath} is not an executable file.`);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, 'temporal')))) return join(dir, 'temporal');
  }
  const cached = join(temporalCacheDir(), 'temporal');
  if (await isExecutable(cached)) return cached;
  return buildWithGo(cached, log);
}

async function buildWithGo(target: string, log: (line: string) => void): Promise<string> {
  if (!goIsUsable()) {
    throw new Error(
      [
        'The Temporal CLI (dev server) was not found, and Go >= 1.25 is not installed to build it.',
        'Either install the official Temporal CLI (https://docs.temporal.io/cli) and put `temporal` on PATH',
        '(or point TEMPORAL_CLI_PATH at it), or install Go >= 1.25 and run again: it will be built into',
        `${temporalCacheDir()} once.`,
        'Or set TEMPORAL_ADDRESS to use a Temporal server you already run.',
      ].join('\n'),
    );
  }
  const dir = temporalCacheDir();
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${dir} (about 5 minutes the first time)...`);
  const started = Date.now();
  await goInstall(MODULE, dir, log);
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)}s.`);
  return target;
}

export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace?: string;
  /** TEMPORAL_CLI_PATH: this binary instead of searching for one. */
  cliPath?: string | undefined;
  /** The server's own output. */
  log?: (line: string) => void;
  /** Progress for a person watching (the first-time build). */
  progress?: (line: string) => void;
  /** How long the server may take to accept connections (default 60 s). */
  startTimeoutMs?: number;
}

/** Runs `temporal server start-dev` with its SQLite database under `dataDir`, and waits until it accepts connections. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<TemporalDevServerHandle> {
  const { dataDir, port, uiPort } = options;
  const log = options.log ?? (() => {});
  const cli = await findOrBuildTemporalCli(options.progress, options.cliPath);
  await mkdir(dataDir, { recursive: true });
  await stopOrphan(dataDir);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    join(dataDir, 'temporal.sqlite'),
    // Measured here: WAL with normal sync doubles workflow throughput on the file database.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--log-level',
    'warn',
  ];
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // What it said last, for the error should it exit early (e.g. "bind: address already in use").
  let tail = '';
  let announced = false;
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-2000);
    // It prints where it serves ("Server:  localhost:7233") once it has started. Its port alone is no
    // proof: when another process holds the port, we would connect to that one.
    if (/^Server:/m.test(tail)) announced = true;
    log(text.trimEnd());
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const pidFile = join(dataDir, 'temporal.pid');
  if (child.pid) await writeFile(pidFile, String(child.pid));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`Temporal dev server exited early (code ${code}, signal ${signal}): ${tail.trim().split('\n').at(-1)}`)),
    ),
  );
  try {
    await Promise.race([waitForPort(port, () => announced, options.startTimeoutMs ?? 60_000), exited]);
  } catch (err) {
    // A server that never opened its port is still running: nobody else would ever stop it.
    await stopChild(child, pidFile);
    throw err;
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    stop: () => stopChild(child, pidFile),
  };
}

async function stopChild(child: ChildProcess, pidFile: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(pidFile, { force: true });
}

/** A launcher killed with SIGKILL leaves its dev server running on the same database file; stop it first. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pid = Number(await readFile(join(dataDir, 'temporal.pid'), 'utf8').catch(() => ''));
  if (!pid) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('start-dev')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    if (!(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

/** Until the server has `announced` that it started and its port accepts connections. */
async function waitForPort(port: number, announced: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!announced()) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Temporal dev server did not open port ${port} within ${timeoutMs / 1000}s`);
}
