import { Client, Connection } from '@temporalio/client';
import { now, sleep } from './clock.ts';

export interface TemporalTarget {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** What the benchmark asks Temporal: is a worker polling, and how many workflows started in a window. */
export class TemporalProbe {
  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
    readonly target: TemporalTarget,
  ) {}

  static async connect(target: TemporalTarget): Promise<TemporalProbe> {
    const connection = await Connection.connect({ address: target.address });
    return new TemporalProbe(connection, new Client({ connection, namespace: target.namespace }), target);
  }

  /** True once a worker polls the task queue for workflow tasks (its workflow bundle is built). */
  async workerPolling(): Promise<boolean> {
    const response = await this.client.workflowService.describeTaskQueue({
      namespace: this.target.namespace,
      taskQueue: { name: this.target.taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (response.pollers?.length ?? 0) > 0;
  }

  async waitForWorker(timeoutMs: number): Promise<boolean> {
    const deadline = now() + timeoutMs;
    while (now() < deadline) {
      if (await this.workerPolling().catch(() => false)) return true;
      await sleep(250);
    }
    return false;
  }

  /**
   * Workflows of our task queue started at or after `since`. Visibility is written a moment after the
   * start, so this waits for the count to settle.
   */
  async workflowsStartedSince(since: Date): Promise<number> {
    const query = `TaskQueue = '${this.target.taskQueue}' AND StartTime >= '${since.toISOString()}'`;
    let last = -1;
    for (let i = 0; i < 10; i++) {
      const { count } = await this.client.workflow.count(query);
      if (count === last) return count;
      last = count;
      await sleep(500);
    }
    return last;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
