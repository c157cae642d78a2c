import { type DeliveryEngine, sendDueRetries as sendDue } from '@acme/core';
import { Context } from '@temporalio/activity';

const BATCH = 100;
const HEARTBEAT_MS = 2000;

/** Sends one batch of the endpoint's due retries through the shared delivery code; returns how many were attempted. */
export async function sendDueRetries(engine: DeliveryEngine, endpointId: string): Promise<number> {
  const context = Context.current();
  // Also between chunks: one slow chunk (up to the endpoint's timeout) must not look like a dead worker.
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  try {
    return await sendDue(engine, endpointId, { batch: BATCH, onProgress: () => context.heartbeat() });
  } finally {
    clearInterval(heartbeat);
  }
}
