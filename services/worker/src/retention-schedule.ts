import type { Logger } from '@acme/core';
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { TemporalClientProvider } from './temporal-client.ts';
import type { enforceRetention } from './workflows/enforce-retention.ts';

const RETRY_MS = 10_000;

export const retentionScheduleId = (taskQueue: string) => `retention-${taskQueue}`;

export interface RetentionScheduleOptions {
  taskQueue: string;
  /** Null: retention is off, and the schedule is removed. */
  retentionMs: number | null;
  /** How often a pass runs; hourly keeps each pass small. */
  every?: string;
}

/**
 * Creates the retention schedule, or brings an existing one in line with these settings, so a
 * changed RETENTION_DAYS takes effect at the next worker start. Every worker calls this at start;
 * any number at once converge on the same definition.
 */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<void> {
  const scheduleId = retentionScheduleId(options.taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  if (options.retentionMs === null) {
    await handle.delete().catch((err) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return;
  }
  const definition = {
    spec: { intervals: [{ every: options.every ?? '1h' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'enforceRetention',
      workflowId: scheduleId,
      taskQueue: options.taskQueue,
      args: [{ retentionMs: options.retentionMs }] as Parameters<typeof enforceRetention>,
    },
    // A pass still running when the next is due makes the next one unnecessary.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
  };
  try {
    await client.schedule.create<typeof enforceRetention>({ scheduleId, ...definition });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update<typeof enforceRetention>((previous) => ({ ...previous, ...definition }));
  }
}

/** Registers the schedule in the background, retrying while Temporal is unreachable: the worker never waits for it. */
export function registerRetentionSchedule(
  temporal: TemporalClientProvider,
  options: RetentionScheduleOptions,
  logger: Logger,
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async (n: number): Promise<void> => {
    try {
      await ensureRetentionSchedule(await temporal.get(), options);
      logger.info(
        { scheduleId: retentionScheduleId(options.taskQueue), retentionMs: options.retentionMs },
        'retention schedule in place',
      );
    } catch (err) {
      if (stopped) return;
      if (n === 1 || n % 30 === 0) logger.warn({ err, attempt: n }, 'cannot register the retention schedule yet; retrying');
      timer = setTimeout(() => void attempt(n + 1), RETRY_MS);
    }
  };
  void attempt(1);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
