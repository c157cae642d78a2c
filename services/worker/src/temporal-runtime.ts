import type { Logger } from '@acme/core';
import { DefaultLogger, type LogLevel, makeTelemetryFilterString, Runtime } from '@temporalio/worker';

let installed = false;

/**
 * The Temporal runtime, once per process: its logs (the SDK core's too) go through our logger, and it installs no
 * signal handlers of its own, since our main decides the shutdown order (dispatcher first).
 */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const log = logger.child({ component: 'temporal' });
  Runtime.install({
    shutdownSignals: [],
    // The SDK core's own logs (connection retries while Temporal is away) go through our logger too,
    // rather than straight to the console: structured, and quiet below LOG_LEVEL.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }), forward: {} } },
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      const method = LEVELS[level];
      log[method](meta ?? {}, message);
    }),
  });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};
