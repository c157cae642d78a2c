import { type DeliveryEngine, planRetries } from '@acme/core';
import { Context } from '@temporalio/activity';
import { deleteExpiredData } from './delete-expired-data.ts';
import { sendDueRetries } from './send-due-retries.ts';

/**
 * The activities the workflows call: thin wrappers that bind core operations to the engine.
 * `stopping` is aborted when the worker begins to stop: long activities then hand back early.
 */
export function createActivities(engine: DeliveryEngine, stopping: AbortSignal = new AbortController().signal) {
  return {
    planRetries: (endpointId: string, options: { started?: boolean } = {}) => {
      // Counted here, where a workflow's first round runs once (a retried activity is not a new workflow).
      if (options.started && Context.current().info.attempt === 1) engine.metrics.workflowsStarted.inc();
      return planRetries(engine.database.sql, endpointId);
    },
    sendDueRetries: (endpointId: string) => sendDueRetries(engine, endpointId, stopping),
    deleteExpiredData: (input: { cutoff: string }) => deleteExpiredData(engine.database, input, stopping),
  };
}

export type Activities = ReturnType<typeof createActivities>;
