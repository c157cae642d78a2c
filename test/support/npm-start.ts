import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@acme/infra-local/ports';

const repoRoot = new URL('../..', import.meta.url).pathname;

export interface NpmStarted {
  /** Where the gateway answers, e.g. http://127.0.0.1:41234. */
  url: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  /** The admin key `npm start` generated into DATA_DIR. */
  adminKey(): Promise<string>;
  /** SIGTERM, as a process manager sends it; resolves with how npm ended. Removes DATA_DIR. */
  stop(): Promise<string>;
}

/**
 * `npm start` as a user runs it from a fresh clone: its own embedded Postgres and Temporal dev
 * server in a fresh DATA_DIR, on free ports, none of the test run's settings inherited.
 */
export async function npmStart(): Promise<NpmStarted> {
  const dataDir = await mkdtemp(join(tmpdir(), 'acme-start-'));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    WORKER_METRICS_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'DATABASE_URL',
    'TEMPORAL_ADDRESS',
    'ADMIN_API_KEY',
    'SECRETS_MASTER_KEY',
    'NODE_ENV',
    'WORKER_METRICS_URL',
  ])
    delete env[name];

  const child = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      // The last line it prints: the lines after "Ready in" may arrive in later chunks.
      if (output.includes('Ready in') && output.includes('Admin API key')) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited early:\n${output}`));
      }
    }, 50);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    child,
    output: () => output,
    adminKey: async () => (await readFile(join(dataDir, 'admin-api-key'), 'utf8')).trim(),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const how = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return how;
    },
  };
}
