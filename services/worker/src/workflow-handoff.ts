import { type Db, type DeliveryMetrics, type Logger, markHandedOff } from '@acme/core';
import type { Client } from '@temporalio/client';
import type { TemporalClientProvider } from './temporal-client.ts';
import {
  DELIVER_TO_ENDPOINT,
  type DeliverToEndpointInput,
  endpointWorkflowId,
  retriesPendingSignal,
} from './workflows/signals.ts';

export type WorkflowHandoff = (endpointId: string) => Promise<void>;

/**
 * Hands an endpoint's retries to its workflow: signal-with-start on a deterministic id, so the
 * first caller starts it, later callers only wake it, and a completed one is started afresh.
 * Throws while Temporal is unreachable; the retries wait safely in Postgres meanwhile.
 */
export function createWorkflowHandoff(
  temporal: TemporalClientProvider,
  taskQueue: string,
  metrics?: DeliveryMetrics,
): WorkflowHandoff {
  return async (endpointId) => {
    try {
      await signalWithStart(await temporal.get(), taskQueue, endpointId);
      metrics?.handoffs.inc({ result: 'ok' });
    } catch (err) {
      metrics?.handoffs.inc({ result: 'failed' });
      throw err;
    }
  };
}

async function signalWithStart(client: Client, taskQueue: string, endpointId: string): Promise<void> {
  await client.workflow.signalWithStart<(input: DeliverToEndpointInput) => Promise<void>, []>(DELIVER_TO_ENDPOINT, {
    workflowId: endpointWorkflowId(endpointId),
    taskQueue,
    args: [{ endpointId }],
    signal: retriesPendingSignal,
    signalArgs: [],
  });
}

/**
 * Hands each endpoint's deliveries to its workflow and marks exactly those as handed off. A
 * failure is only logged: the rows stay marked "not handed off" and the dispatchers' sweep retries.
 */
export async function handOverDeliveries(
  handoff: WorkflowHandoff,
  db: Db,
  items: readonly { id: string; endpointId: string }[],
  logger: Logger,
): Promise<void> {
  const byEndpoint = new Map<string, string[]>();
  for (const { id, endpointId } of items) byEndpoint.set(endpointId, [...(byEndpoint.get(endpointId) ?? []), id]);
  await Promise.all(
    [...byEndpoint].map(async ([endpointId, ids]) => {
      try {
        await handoff(endpointId);
        await markHandedOff(db, ids);
      } catch (err) {
        logger.warn({ err, endpointId }, 'could not hand deliveries to the endpoint workflow; will try again');
      }
    }),
  );
}
