import { createLogger, loadConfig, loadDotEnv } from '@acme/core';
import { startApi } from './server.ts';

// Wiring only: one API process from the environment.
loadDotEnv();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
const api = await startApi(config, logger, { host: process.env.HOST ?? '127.0.0.1' });
logger.info({ url: api.url }, 'API listening');
// Started by `npm start` over IPC: when it goes away, so do we.
process.on('disconnect', () => process.emit('SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    api.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
