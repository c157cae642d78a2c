import { connectDatabase, reencryptEndpointSecrets } from '@acme/core';
import { boot } from '../process-role.ts';

/**
 * Re-encrypts every endpoint secret from SECRETS_MASTER_KEY_PREVIOUS (the old key) to
 * SECRETS_MASTER_KEY (the new key). Keys come from the environment only, never from flags, so they
 * stay out of shell history and process lists. Safe to interrupt and run again.
 */
export async function runRotateMasterKey(options: { batchSize: number; dryRun: boolean }): Promise<number> {
  const { config, logger } = boot('rotate-master-key');
  const { current, previous } = config.secretsMasterKey;
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required.');
  if (!previous) {
    throw new Error('Set SECRETS_MASTER_KEY_PREVIOUS to the old master key and SECRETS_MASTER_KEY to the new one.');
  }
  if (previous.equals(current)) throw new Error('SECRETS_MASTER_KEY_PREVIOUS and SECRETS_MASTER_KEY are the same key.');
  const database = connectDatabase(config.databaseUrl, { max: 1 });
  try {
    const result = await reencryptEndpointSecrets(database.db, {
      from: previous,
      to: current,
      batchSize: options.batchSize,
      dryRun: options.dryRun,
      onBatch: (p) => logger.info({ scanned: p.scanned, reencrypted: p.reencrypted }, 'batch committed'),
    });
    const summary = { ...result, undecryptable: result.undecryptable.length, dryRun: options.dryRun };
    if (result.undecryptable.length > 0) {
      logger.error({ ...summary, ids: result.undecryptable }, 'some secrets open under neither key; they were left as they are');
      return 1;
    }
    logger.info(summary, options.dryRun ? 'dry run: nothing changed' : 'every endpoint secret is under the new key');
    return 0;
  } finally {
    await database.close();
  }
}
