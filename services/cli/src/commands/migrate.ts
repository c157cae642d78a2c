import { migrateDatabase, pendingMigrations } from '@acme/core';
import { boot } from '../process-role.ts';

/** Applies pending migrations and exits. Under an advisory lock: any number may run at once, each waits its turn. */
export async function runMigrate(): Promise<void> {
  const { config, logger } = boot('migrate');
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to migrate.');
  const pending = await pendingMigrations(config.databaseUrl);
  await migrateDatabase(config.databaseUrl, { log: (fields, message) => logger.warn(fields, message) });
  logger.info({ pendingBefore: pending }, pending ? 'migrations applied' : 'database already current');
}
