import { type DeliveryEngine, sendDueRetries as sendDue } from '@acme/core';
import { Context } from '@temporalio/activity';

const HEARTBEAT_MS = 1000;

/**
 * Sends the endpoint's due retries through the shared delivery code, and returns the next plan
 * (milliseconds until the next retry, or null). Short waits happen here; long ones on a durable timer.
 */
export async function sendDueRetries(engine: DeliveryEngine, endpointId: string): Promise<number | null> {
  const context = Context.current();
  // Also while an attempt is slow (up to the endpoint's timeout): it must not look like a dead worker.
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  try {
    return await sendDue(engine, endpointId, {
      batch: 100,
      waitUpToMs: 1500,
      budgetMs: 30_000,
      onProgress: () => context.heartbeat(),
    });
  } finally {
    clearInterval(heartbeat);
  }
}
