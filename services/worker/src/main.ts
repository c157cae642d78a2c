import { createLogger, loadConfig, loadDotEnv } from '@acme/core';
import { startWorker } from './worker.ts';

// Wiring only: one worker process (dispatcher + Temporal worker) from the environment.
loadDotEnv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'worker');
const worker = await startWorker(config, logger);
// Tells `npm start` (our parent, over IPC) that deliveries are flowing.
process.send?.({ ready: true });
// Started by `npm start` over IPC: when it goes away, so do we.
process.on('disconnect', () => process.emit('SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'stopping worker');
    worker.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'worker did not stop cleanly');
        process.exit(1);
      },
    );
  });
}
