import { startApi } from '@acme/api';
import { boot, growHeapSlowly, prepareDatabase, stopOnSignals } from '../process-role.ts';

/** One API process: GraphQL, REST, health, metrics and the portal on HOST:PORT. Stateless: run as many as needed. */
export async function runApi(): Promise<void> {
  growHeapSlowly();
  const { config, logger } = boot('api');
  await prepareDatabase(config, logger);
  const api = await startApi(config, logger, { host: config.host });
  logger.info({ url: api.url }, 'API listening');
  stopOnSignals(logger, () => api.stop());
}
