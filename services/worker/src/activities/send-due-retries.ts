import { attemptDeliveries, type DeliveryEngine, loadDueRetries } from '@acme/core';
import { Context } from '@temporalio/activity';

const BATCH = 100;
const HEARTBEAT_MS = 2000;

/** Sends the endpoint's due retries (one batch) through the shared delivery code; returns how many were attempted. */
export async function sendDueRetries(engine: DeliveryEngine, endpointId: string): Promise<number> {
  const context = Context.current();
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  try {
    const due = await loadDueRetries(engine.database.sql, endpointId, BATCH);
    const outcomes = await attemptDeliveries(engine, due, 'DURABLE');
    return outcomes.length;
  } finally {
    clearInterval(heartbeat);
  }
}
