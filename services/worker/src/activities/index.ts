import { type DeliveryEngine, type Logger, planRetries } from '@acme/core';
import { Context } from '@temporalio/activity';
import { deleteExpiredData } from './delete-expired-data.ts';
import { sendDueRetries } from './send-due-retries.ts';

export interface ActivityOptions {
  /** Aborted when the worker begins to stop: long activities then hand back early. */
  stopping?: AbortSignal;
  logger?: Logger;
}

/** The activities the workflows call: thin wrappers that bind core operations to the engine. */
export function createActivities(
  engine: DeliveryEngine,
  { stopping = new AbortController().signal, logger }: ActivityOptions = {},
) {
  return {
    planRetries: (endpointId: string, options: { started?: boolean } = {}) => {
      // Counted here, where a workflow's first round runs once (a retried activity is not a new workflow).
      if (options.started && Context.current().info.attempt === 1) engine.metrics.workflowsStarted.inc();
      return planRetries(engine.database.sql, endpointId);
    },
    sendDueRetries: (endpointId: string) => sendDueRetries(engine, endpointId, stopping, logger),
    deleteExpiredData: (input: { cutoff: string }) => deleteExpiredData(engine.database, input, stopping),
  };
}

export type Activities = ReturnType<typeof createActivities>;
