import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config, Logger } from '@acme/core';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from './activities/index.ts';
import { temporalConnectionOptions } from './temporal-connection.ts';

const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
// The built CLI (services/cli/build.ts) ships the workflows prebundled beside it: no webpack at start.
const prebuiltBundlePath = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
const RETRY_MS = 2000;
const quiet = () => {};
const quietBundler = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };

/**
 * Runs the Temporal worker (the durable path), connecting in the background and retrying while
 * Temporal is unreachable, so the process, and with it the fast path, never waits for Temporal.
 */
export class TemporalWorkerRunner {
  private stopped = false;
  private worker: Worker | null = null;
  private connection: NativeConnection | null = null;
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private bundle: WorkflowBundleOption | null = null;

  constructor(
    private readonly config: Config,
    private readonly activities: Activities,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running = this.run();
  }

  private async run(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        // Bundled once: a retry after Temporal was down should not pay for webpack again.
        this.bundle ??= existsSync(prebuiltBundlePath)
          ? { codePath: prebuiltBundlePath }
          : await bundleWorkflowCode({ workflowsPath, logger: quietBundler });
        this.connection = await NativeConnection.connect(temporalConnectionOptions(this.config.temporal));
        this.worker = await Worker.create({
          connection: this.connection,
          namespace: this.config.temporal.namespace,
          taskQueue: this.config.temporal.taskQueue,
          workflowBundle: this.bundle,
          activities: this.activities,
        });
        if (this.stopped) return;
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
          this.retryTimer = setTimeout(resolve, RETRY_MS);
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.connection?.close().catch(() => {});
  }
}
