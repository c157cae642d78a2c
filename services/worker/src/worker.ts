import { type Config, connectDatabase, createDeliveryEngine, type Logger } from '@acme/core';
import { createActivities } from './activities/index.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { TemporalClientProvider } from './temporal-client.ts';
import { installTemporalRuntime } from './temporal-runtime.ts';
import { TemporalWorkerRunner } from './temporal-worker.ts';
import { createWorkflowHandoff } from './workflow-handoff.ts';

export interface RunningWorker {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

/** Starts the dispatcher (fast path) and the Temporal worker (durable path) of one worker process. */
export async function startWorker(
  config: Config,
  logger: Logger,
  dispatcherOptions: Partial<DispatcherOptions> = {},
): Promise<RunningWorker> {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required to start the worker.');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required to start the worker.');
  installTemporalRuntime(logger);
  const database = connectDatabase(config.databaseUrl);
  const engine = createDeliveryEngine(config, database);

  const temporal = new TemporalClientProvider(config.temporal.address, config.temporal.namespace);
  const dispatcher = new Dispatcher(
    engine,
    createWorkflowHandoff(temporal, config.temporal.taskQueue),
    logger.child({ component: 'dispatcher' }),
    dispatcherOptions,
  );

  // The fast path first: first attempts flow while the workflow bundle is built, and while Temporal is down.
  await dispatcher.start();
  const temporalWorker = new TemporalWorkerRunner(config, createActivities(engine), logger);
  temporalWorker.start();
  logger.info({ taskQueue: config.temporal.taskQueue, dispatcher: dispatcher.owner }, 'worker started');

  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      await temporalWorker.stop();
      await temporal.close();
      await engine.client.close();
      await database.close();
    },
  };
}
