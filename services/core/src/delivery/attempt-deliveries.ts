import { loadSigningSecrets } from '../endpoints/signing-secrets.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AttemptOutcomeRecord, recordAttempts } from './record-attempts.ts';
import { type AttemptResult, sendAttempt } from './send-attempt.ts';
import { webhookBody, webhookHeaders } from './webhook-request.ts';

export type DeliveryPath = 'FAST' | 'DURABLE';

/**
 * Sends one attempt of each delivery, concurrently, and records every result in one transaction.
 * Both paths call this: the dispatcher for first attempts, the endpoint workflow for retries.
 */
export async function attemptDeliveries(
  engine: DeliveryEngine,
  batch: readonly DueDelivery[],
  path: DeliveryPath,
): Promise<AttemptOutcomeRecord[]> {
  if (batch.length === 0) return [];
  const secrets = await loadSigningSecrets(engine.database.db, engine.secretsMasterKey, [
    ...new Set(batch.map((d) => d.endpoint.id)),
  ]);
  const sent = await Promise.all(
    batch.map(async (delivery) => {
      const body = webhookBody(delivery.message);
      const headers = webhookHeaders(
        delivery.message,
        body,
        secrets.get(delivery.endpoint.id) ?? [],
        delivery.endpoint.headers,
        new Date(),
      );
      const result: AttemptResult = await sendAttempt(
        { url: delivery.endpoint.url, headers, body, timeoutMs: delivery.endpoint.timeoutMs ?? engine.timeoutMs },
        {
          client: engine.client,
          privateDestinationsAllowed: engine.privateDestinationsAllowed,
          responseBodyBytes: engine.responseBodyBytes,
        },
      );
      return { delivery, headers, result };
    }),
  );
  return recordAttempts(engine, sent, path);
}
