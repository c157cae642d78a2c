import {
  type Config,
  connectDatabase,
  createDeliveryEngine,
  createDeliveryMetrics,
  createRegistry,
  type Logger,
  registerBacklogGauges,
} from '@acme/core';
import { createActivities } from './activities/index.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { startOpsServer } from './ops-server.ts';
import { checkReadiness } from './readiness.ts';
import { registerRetentionSchedule } from './retention-schedule.ts';
import { TemporalClientProvider } from './temporal-client.ts';
import { installTemporalRuntime } from './temporal-runtime.ts';
import { TemporalWorkerRunner } from './temporal-worker.ts';
import { createWorkflowHandoff } from './workflow-handoff.ts';

export interface RunningWorker {
  dispatcher: Dispatcher;
  /** Where this worker's /metrics is served, if anywhere. */
  metricsUrl: string | null;
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
  const registry = createRegistry('worker');
  const metrics = createDeliveryMetrics(registry);
  registerBacklogGauges(registry, database.sql);
  const engine = createDeliveryEngine(config, database, metrics);
  const temporal = new TemporalClientProvider(config.temporal);
  const opsServer = config.metrics.workerPort
    ? await startOpsServer({
        registry,
        port: config.metrics.workerPort,
        host: config.host,
        readiness: () => checkReadiness(database, temporal),
      })
    : null;
  const dispatcher = new Dispatcher(
    engine,
    createWorkflowHandoff(temporal, config.temporal.taskQueue, metrics),
    logger.child({ component: 'dispatcher' }),
    { leaseMs: config.delivery.dispatcherLeaseMs, perEndpointLimit: engine.perEndpointConcurrency, ...dispatcherOptions },
  );

  // The fast path first: first attempts flow while the workflow bundle is built, and while Temporal is down.
  await dispatcher.start();
  const temporalWorker = new TemporalWorkerRunner(config, createActivities(engine), logger);
  temporalWorker.start();
  const retention = registerRetentionSchedule(
    temporal,
    { taskQueue: config.temporal.taskQueue, retentionMs: config.retentionMs },
    logger.child({ component: 'retention' }),
  );
  logger.info({ taskQueue: config.temporal.taskQueue, dispatcher: dispatcher.owner }, 'worker started');

  return {
    dispatcher,
    metricsUrl: opsServer?.url ?? null,
    async stop() {
      retention.stop();
      await dispatcher.stop();
      await temporalWorker.stop();
      await temporal.close();
      opsServer?.server.close();
      await engine.client.close();
      await database.close();
    },
  };
}
