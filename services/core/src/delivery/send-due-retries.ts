import { attemptDeliveries, signingSecretsFor } from './attempt-deliveries.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import { loadDueRetries } from './due-retries.ts';
import { takeDeliveryTokens } from './rate-limit.ts';

/**
 * The workflow path's send: the endpoint's due retries, one batch, in chunks of at most the
 * per-endpoint concurrency, each chunk within the endpoint's rate limit and recorded before the
 * next starts. Stops early when the rate limit is spent (the workflow waits for the next token)
 * or the endpoint stops accepting (paused meanwhile). Returns how many were attempted.
 */
export async function sendDueRetries(
  engine: DeliveryEngine,
  endpointId: string,
  options: { batch: number; onProgress?: () => void },
): Promise<number> {
  const due = await loadDueRetries(engine.database.sql, endpointId, options.batch);
  if (due.length === 0) return 0;
  const secrets = await signingSecretsFor(engine, due);
  let attempted = 0;
  while (attempted < due.length) {
    const wanted = Math.min(engine.perEndpointConcurrency, due.length - attempted);
    const { granted, sending } = await takeDeliveryTokens(engine.database.sql, endpointId, wanted);
    if (!sending || granted === 0) break;
    const chunk = due.slice(attempted, attempted + granted);
    await attemptDeliveries(engine, chunk, 'DURABLE', secrets);
    attempted += chunk.length;
    options.onProgress?.();
  }
  return attempted;
}
