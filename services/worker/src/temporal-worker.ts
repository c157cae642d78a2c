import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, type Logger, settledBy } from '@acme/core';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from './activities/index.ts';
import { temporalConnectionOptions } from './temporal-connection.ts';
import { loadWorkflowBundle } from './workflow-bundle.ts';

// The built CLI (services/cli/build.ts) ships the workflows prebundled beside it: no webpack at start.
const prebuiltBundlePath = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
const RETRY_MS = 2000;
/** Of the shutdown timeout, what is left after the SDK cancels activities for them to hand back. */
const CANCEL_MARGIN_MS = 1000;

/**
 * Runs the Temporal worker (the durable path), connecting in the background and retrying while
 * Temporal is unreachable, so the process, and with it the fast path, never waits for Temporal.
 */
export class TemporalWorkerRunner {
  private stopped = false;
  private worker: Worker | null = null;
  private connection: NativeConnection | null = null;
  private running: Promise<void> | null = null;
  private wakeRetry: (() => void) | null = null;
  private bundle: WorkflowBundleOption | null = null;

  constructor(
    private readonly config: Config,
    private readonly activities: Activities,
    private readonly logger: Logger,
    private readonly identity?: string,
  ) {}

  start(): void {
    this.running = this.run();
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        // Loaded once: a retry after Temporal was down should not read or bundle it again. Without a
        // prebuilt bundle, the one cached in DATA_DIR by content: a restarted worker polls at once.
        this.bundle ??= existsSync(prebuiltBundlePath)
          ? { codePath: prebuiltBundlePath }
          : await loadWorkflowBundle(join(this.config.dataDir, 'cache'), this.logger);
        this.connection = await NativeConnection.connect(temporalConnectionOptions(this.config.temporal));
        if (this.stopped) return;
        this.worker = await Worker.create({
          connection: this.connection,
          namespace: this.config.temporal.namespace,
          taskQueue: this.config.temporal.taskQueue,
          workflowBundle: this.bundle,
          activities: this.activities,
          ...(this.identity ? { identity: this.identity } : {}),
          // A workflow's next task goes to the sticky queue of the worker that ran its last one. When
          // that worker was killed, the task waits this long before any other worker may take it
          // (default 10 s); our histories are short, so losing the cache costs less than waiting.
          stickyQueueScheduleToStartTimeout: '2s',
          // On stop, activities hand back as soon as their current chunk is recorded (the stopping
          // signal of createActivities); one still busy at the end of the grace time is cancelled, and
          // past the shutdown timeout the worker gives up on it (Temporal retries it elsewhere).
          shutdownGraceTime: Math.max(0, this.config.shutdownTimeoutMs - CANCEL_MARGIN_MS),
          shutdownForceTime: this.config.shutdownTimeoutMs,
        });
        if (this.stopped) return;
        this.logger.info({ taskQueue: this.config.temporal.taskQueue }, 'Temporal worker polling');
        await this.worker.run();
        return;
      } catch (err) {
        await this.connection?.close().catch(() => {});
        this.connection = null;
        this.worker = null;
        if (this.stopped) return;
        if (attempt === 1 || attempt % 15 === 0) {
          this.logger.warn({ err, attempt }, 'Temporal worker cannot start yet; first attempts still flow, retries wait');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          this.wakeRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /**
   * Stops polling, lets running workflow tasks and activities finish (activities hand back early),
   * and closes the connection; true when all of it happened before `deadline`.
   */
  async stop(deadline = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.stopped = true;
    this.wakeRetry?.();
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    const drained = await settledBy(this.running ?? Promise.resolve(), deadline);
    if (!drained) this.logger.warn('Temporal worker did not drain in time; its activities are retried by other workers');
    await this.connection?.close().catch(() => {});
    return drained;
  }
}
