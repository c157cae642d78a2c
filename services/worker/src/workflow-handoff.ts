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
export function createWorkflowHandoff(temporal: TemporalClientProvider, taskQueue: string): WorkflowHandoff {
  return async (endpointId) => {
    const client = await temporal.get();
    await client.workflow.signalWithStart<(input: DeliverToEndpointInput) => Promise<void>, []>(DELIVER_TO_ENDPOINT, {
      workflowId: endpointWorkflowId(endpointId),
      taskQueue,
      args: [{ endpointId }],
      signal: retriesPendingSignal,
      signalArgs: [],
    });
  };
}
