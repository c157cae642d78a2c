import { fileURLToPath } from 'node:url';
import { type Config, connectDatabase, createDeliveryEngine, type Logger } from '@acme/core';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities/index.ts';
import { Dispatcher, type DispatcherOptions, defaultDispatcherOptions } from './dispatcher.ts';
import { installTemporalRuntime } from './temporal-runtime.ts';
import { createWorkflowHandoff } from './workflow-handoff.ts';

export interface RunningWorker {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

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

  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const dispatcher = new Dispatcher(
    engine,
    createWorkflowHandoff(client, config.temporal.taskQueue),
    logger.child({ component: 'dispatcher' }),
    {
      ...defaultDispatcherOptions,
      ...dispatcherOptions,
    },
  );

  // The fast path first: first attempts flow while the workflow bundle is still being built.
  await dispatcher.start();
  const workerConnection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath,
    activities: createActivities(engine),
  });
  const running = worker.run().catch((err) => logger.error({ err }, 'Temporal worker stopped with an error'));
  logger.info({ taskQueue: config.temporal.taskQueue, dispatcher: dispatcher.owner }, 'worker started');

  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
      await engine.client.close();
      await database.close();
    },
  };
}
