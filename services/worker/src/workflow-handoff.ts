import type { Client } from '@temporalio/client';
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
 */
export function createWorkflowHandoff(client: Client, taskQueue: string): WorkflowHandoff {
  return async (endpointId) => {
    await client.workflow.signalWithStart<(input: DeliverToEndpointInput) => Promise<void>, []>(DELIVER_TO_ENDPOINT, {
      workflowId: endpointWorkflowId(endpointId),
      taskQueue,
      args: [{ endpointId }],
      signal: retriesPendingSignal,
      signalArgs: [],
    });
  };
}
