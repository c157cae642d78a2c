import { type DeliveryEngine, planRetries } from '@acme/core';
import { Context } from '@temporalio/activity';
import { deleteExpiredData } from './delete-expired-data.ts';
import { sendDueRetries } from './send-due-retries.ts';

/** The activities the endpoint workflow calls: thin wrappers that bind core operations to the engine. */
export function createActivities(engine: DeliveryEngine) {
  return {
    planRetries: (endpointId: string, options: { started?: boolean } = {}) => {
      // Counted here, where a workflow's first round runs once (a retried activity is not a new workflow).
      if (options.started && Context.current().info.attempt === 1) engine.metrics.workflowsStarted.inc();
      return planRetries(engine.database.sql, endpointId);
    },
    sendDueRetries: (endpointId: string) => sendDueRetries(engine, endpointId),
    deleteExpiredData: (input: { cutoff: string }) => deleteExpiredData(engine.database, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
