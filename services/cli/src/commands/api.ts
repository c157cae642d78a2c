import { startApi } from '@acme/api';
import { boot, growHeapSlowly, prepareDatabase, stopOnSignals } from '../process-role.ts';
import { startTracing } from '../tracing.ts';

/** One API process: GraphQL, REST, health, metrics and the portal on HOST:PORT. Stateless: run as many as needed. */
export async function runApi(): Promise<void> {
  growHeapSlowly();
  const { config, logger } = boot('api');
  const tracing = await startTracing(config, 'api', logger);
  await prepareDatabase(config, logger);
  const api = await startApi(config, logger, { host: config.host });
  logger.info({ url: api.url }, 'API listening');
  // Tells a parent process (over IPC) where we listen: with PORT=0 the system chose the port.
  process.send?.({ listening: api.url });
  stopOnSignals(config, logger, async () => {
    await api.stop();
    await tracing?.shutdown();
  });
}
