import { loadSigningSecrets } from '../endpoints/signing-secrets.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AttemptOutcomeRecord, recordAttempts, type SentAttempt } from './record-attempts.ts';
import { sendAttempt } from './send-attempt.ts';
import { webhookBody, webhookHeaders } from './webhook-request.ts';

export type DeliveryPath = 'FAST' | 'DURABLE';

/** Every secret that signs for each endpoint of the batch, loaded once per batch. */
export function signingSecretsFor(engine: DeliveryEngine, batch: readonly DueDelivery[]) {
  return loadSigningSecrets(engine.database.db, engine.secretsMasterKey, [...new Set(batch.map((d) => d.endpoint.id))]);
}

/** One attempt of one delivery: sign with the endpoint's secrets, send, classify. Never throws. */
export async function sendDelivery(
  engine: DeliveryEngine,
  delivery: DueDelivery,
  secrets: readonly string[],
): Promise<SentAttempt> {
  const body = webhookBody(delivery.message);
  const headers = webhookHeaders(delivery.message, body, secrets, delivery.endpoint.headers, new Date());
  const result = await sendAttempt(
    { url: delivery.endpoint.url, headers, body, timeoutMs: delivery.endpoint.timeoutMs ?? engine.timeoutMs },
    {
      client: engine.client,
      privateDestinationsAllowed: engine.privateDestinationsAllowed,
      responseBodyBytes: engine.responseBodyBytes,
    },
  );
  return { delivery, headers, result };
}

/**
 * Sends one attempt of each delivery, concurrently, and records every result in one transaction.
 * The endpoint workflow's retries take this whole; the dispatcher uses its parts to pipeline.
 */
export async function attemptDeliveries(
  engine: DeliveryEngine,
  batch: readonly DueDelivery[],
  path: DeliveryPath,
  signingSecrets?: Map<string, string[]>,
): Promise<AttemptOutcomeRecord[]> {
  if (batch.length === 0) return [];
  const secrets = signingSecrets ?? (await signingSecretsFor(engine, batch));
  const sent = await Promise.all(batch.map((d) => sendDelivery(engine, d, secrets.get(d.endpoint.id) ?? [])));
  return recordAttempts(engine, sent, path);
}
