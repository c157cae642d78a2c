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
  /**
   * Stops within SHUTDOWN_TIMEOUT_MS: no new claims or tasks; attempts in flight finish and are
   * recorded; claims not attempted are released and activities hand back; then pools close.
   */
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
  let stopping = false;
  const opsServer = config.metrics.workerPort
    ? await startOpsServer({
        registry,
        port: config.metrics.workerPort,
        host: config.host,
        // A stopping worker takes no new work: say so, so it leaves the load balancer's view at once.
        readiness: async () => (stopping ? { ready: false, checks: { stopping: true } } : checkReadiness(database, temporal)),
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
  const draining = new AbortController();
  const temporalWorker = new TemporalWorkerRunner(
    config,
    createActivities(engine, { stopping: draining.signal, logger: logger.child({ component: 'activities' }) }),
    logger,
    // One name for this process in Postgres leases and in Temporal's history (the worker identity).
    dispatcher.owner,
  );
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
      const deadline = Date.now() + config.shutdownTimeoutMs;
      stopping = true;
      retention.stop();
      draining.abort();
      // Past the deadline, requests still in flight are cut (destroying the client) before their claims
      // are released, so another worker never sends one while this one still is.
      let cut: Promise<void> | null = null;
      const cutInFlight = () => (cut ??= engine.client.destroy().catch(() => {}));
      const [dispatched, drained] = await Promise.all([
        dispatcher.stop({ deadline, onTimeout: cutInFlight }),
        temporalWorker.stop(deadline),
      ]);
      if (!drained) await cutInFlight();
      else if (!cut) await engine.client.close();
      await temporal.close();
      opsServer?.server.close();
      opsServer?.server.closeAllConnections();
      await database.close();
      logger.info({ ...dispatched, temporalDrained: drained }, 'worker stopped');
    },
  };
}
