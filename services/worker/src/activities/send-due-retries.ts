import { type DeliveryEngine, endSpan, type Logger, sendDueRetries as sendDue, tracer } from '@acme/core';
import { Context } from '@temporalio/activity';

const HEARTBEAT_MS = 1000;

/**
 * Sends the endpoint's due retries through the shared delivery code, and returns the next plan
 * (milliseconds until the next retry, or null). Short waits happen here; long ones on a durable timer.
 * When the worker stops (`stopping`) or Temporal cancels it, it finishes the chunk it is sending and
 * hands the plan back, so the workflow's next round goes to another worker at once.
 */
export async function sendDueRetries(
  engine: DeliveryEngine,
  endpointId: string,
  stopping: AbortSignal,
  logger?: Logger,
): Promise<number | null> {
  const context = Context.current();
  // Also while an attempt is slow (up to the endpoint's timeout): it must not look like a dead worker.
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  const { info } = context;
  // Each attempt's span belongs to its event's trace and links to this one: the round that sent it.
  return tracer().startActiveSpan(
    'send due retries',
    {
      attributes: {
        'acme.endpoint.id': endpointId,
        'temporal.workflow.id': info.workflowExecution?.workflowId ?? '',
        'temporal.activity.attempt': info.attempt,
      },
    },
    async (span) => {
      try {
        const next = await sendDue(engine, endpointId, {
          batch: 100,
          waitUpToMs: 1500,
          budgetMs: 30_000,
          onProgress: () => context.heartbeat(),
          signal: AbortSignal.any([stopping, context.cancellationSignal]),
          owner: `${info.workflowExecution?.workflowId ?? endpointId}/${info.activityId}#${info.attempt}`,
        });
        endSpan(span);
        if (stopping.aborted) logger?.info({ endpointId, next }, 'retry round handed back: this worker is stopping');
        return next;
      } catch (err) {
        endSpan(span, err);
        throw err;
      } finally {
        clearInterval(heartbeat);
      }
    },
  );
}
