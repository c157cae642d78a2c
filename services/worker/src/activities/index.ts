import { type DeliveryEngine, planRetries } from '@acme/core';
import { deleteExpiredData } from './delete-expired-data.ts';
import { sendDueRetries } from './send-due-retries.ts';

/** The activities the endpoint workflow calls: thin wrappers that bind core operations to the engine. */
export function createActivities(engine: DeliveryEngine) {
  return {
    planRetries: (endpointId: string) => planRetries(engine.database.sql, endpointId),
    sendDueRetries: (endpointId: string) => sendDueRetries(engine, endpointId),
    deleteExpiredData: (input: { cutoff: string }) => deleteExpiredData(engine.database, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
