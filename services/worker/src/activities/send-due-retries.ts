import { attemptDeliveries, type DeliveryEngine, loadDueRetries } from '@acme/core';

const BATCH = 100;

/** Sends the endpoint's due retries (one batch) through the shared delivery code; returns how many were attempted. */
export async function sendDueRetries(engine: DeliveryEngine, endpointId: string): Promise<number> {
  const due = await loadDueRetries(engine.database.sql, endpointId, BATCH);
  const outcomes = await attemptDeliveries(engine, due, 'DURABLE');
  return outcomes.length;
}
