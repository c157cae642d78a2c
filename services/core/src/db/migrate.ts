import * as tables from '@acme/schema/db';
import { migrationsFolder } from '@acme/schema/migrations';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ensureAppRole, grantAppRole } from './app-role.ts';

const MIGRATION_LOCK = 7_216_001;

/**
 * Applies pending migrations, with the application role their policies name; an advisory lock makes
 * concurrent starts wait for each other instead of racing.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await ensureAppRole(sql);
    await migrate(drizzle(sql, { schema: tables }), { migrationsFolder });
    await grantAppRole(sql);
    await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
