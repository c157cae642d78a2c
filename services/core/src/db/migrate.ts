import * as tables from '@acme/schema/db';
import { migrationsFolder } from '@acme/schema/migrations';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { createLogger } from '../logger.ts';
import { ensureAppRole, grantAppRole } from './app-role.ts';
import { type MigrationLog, runDataMigrations } from './data-migrations.ts';

const MIGRATION_LOCK = 7_216_001;

/**
 * Applies pending migrations, with the application role their policies name, then the data migrations
 * not yet run (their changes go to `log`); an advisory lock makes concurrent starts wait for each
 * other instead of racing.
 */
export async function migrateDatabase(url: string, options: { log?: MigrationLog } = {}): Promise<void> {
  const log = options.log ?? defaultLog();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await ensureAppRole(sql);
    await migrate(drizzle(sql, { schema: tables }), { migrationsFolder });
    await runDataMigrations(sql, log);
    await grantAppRole(sql);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * How many of this version's migrations the database has not applied, by drizzle's own rule (a
 * migration is applied when one at least as new is recorded). A process that does not migrate at
 * start checks this, so it refuses a database that is behind instead of failing on a missing column.
 */
export async function pendingMigrations(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [table] = await sql<{ name: string | null }[]>`select to_regclass('drizzle.__drizzle_migrations')::text as name`;
    const [last] = table?.name
      ? await sql<
          { at: string }[]
        >`select created_at::text as at from drizzle.__drizzle_migrations order by created_at desc limit 1`
      : [];
    const appliedUpTo = last ? Number(last.at) : Number.NEGATIVE_INFINITY;
    return readMigrationFiles({ migrationsFolder }).filter((m) => m.folderMillis > appliedUpTo).length;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function defaultLog(): MigrationLog {
  const logger = createLogger('info', 'migrate');
  return (fields, message) => logger.warn(fields, message);
}
