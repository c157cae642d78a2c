import { startWorker } from '@acme/worker';
import { boot, growHeapSlowly, prepareDatabase, stopOnSignals } from '../process-role.ts';
import { startTracing } from '../tracing.ts';

/** One worker process: the dispatcher (first attempts) and the Temporal worker (retries, retention). Run as many as needed. */
export async function runWorker(): Promise<void> {
  growHeapSlowly();
  const { config, logger } = boot('worker');
  const tracing = await startTracing(config, 'worker', logger);
  await prepareDatabase(config, logger);
  const worker = await startWorker(config, logger);
  // Tells `npm start` (our parent, over IPC) that deliveries are flowing.
  process.send?.({ ready: true });
  stopOnSignals(config, logger, async () => {
    await worker.stop();
    await tracing?.shutdown();
  });
}
