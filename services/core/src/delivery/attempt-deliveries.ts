import { type Link, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { openSigningSecrets } from '../endpoints/signing-secrets.ts';
import { newId } from '../ids.ts';
import { contextFromTraceparent, tracer } from '../tracing.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AttemptOutcomeRecord, recordAttempts, type SentAttempt } from './record-attempts.ts';
import { sendAttempt } from './send-attempt.ts';
import { webhookBody, webhookHeaders } from './webhook-request.ts';

export type DeliveryPath = 'FAST' | 'DURABLE';

/** Every secret that signs for each endpoint of the batch, from what its rows carry; throws when one does not open. */
export function signingSecretsFor(engine: DeliveryEngine, batch: readonly DueDelivery[]): Map<string, string[]> {
  const { secrets, unopened } = openSecretsByEndpoint(engine, batch);
  const [failure] = unopened.values();
  if (failure) throw failure;
  return secrets;
}

/**
 * Each endpoint's signing secrets, as far as they open: an endpoint whose secrets do not (a master
 * key missing from the configuration, a damaged row) is in `unopened` with its error, and the others
 * are unaffected, so that one endpoint cannot stop a batch shared with others.
 */
export function openSecretsByEndpoint(
  engine: DeliveryEngine,
  batch: readonly DueDelivery[],
): { secrets: Map<string, string[]>; unopened: Map<string, Error> } {
  const secrets = new Map<string, string[]>();
  const unopened = new Map<string, Error>();
  for (const { endpoint } of batch) {
    if (secrets.has(endpoint.id) || unopened.has(endpoint.id)) continue;
    try {
      secrets.set(endpoint.id, openSigningSecrets(engine.secretsMasterKey, endpoint.id, endpoint.secrets));
    } catch (err) {
      unopened.set(endpoint.id, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return { secrets, unopened };
}

/**
 * One attempt of one delivery: sign with the endpoint's secrets, send, classify. Never throws.
 * Traced as a `deliver` span, child of the publish span (through the event's stored traceparent),
 * around the HTTP client span of the request; with tracing off, one no-op span and nothing more.
 */
export async function sendDelivery(
  engine: DeliveryEngine,
  delivery: DueDelivery,
  secrets: readonly string[],
  path: DeliveryPath = 'FAST',
): Promise<SentAttempt> {
  const parent = contextFromTraceparent(delivery.traceParent);
  // The work that sends it (a retry activity's span, say) is linked, not the parent: the trace is the event's.
  const active = trace.getActiveSpan()?.spanContext();
  const links: Link[] = active && trace.isSpanContextValid(active) ? [{ context: active }] : [];
  const attempt = tracer().startSpan('deliver', { kind: SpanKind.CONSUMER, links }, parent);
  // Not recording (tracing off, or this trace not sampled): nothing more to build.
  const request = attempt.isRecording()
    ? tracer().startSpan('POST', { kind: SpanKind.CLIENT }, trace.setSpan(parent, attempt))
    : null;
  if (request) describeAttempt(attempt, request, delivery, path);

  const body = webhookBody(delivery.message);
  const headers = webhookHeaders(delivery.message, body, secrets, delivery.endpoint.headers, new Date());
  const result = await sendAttempt(
    { url: delivery.endpoint.url, headers, body, timeoutMs: delivery.endpoint.timeoutMs ?? engine.timeoutMs },
    {
      client: engine.client,
      responseBodyBytes: engine.responseBodyBytes,
    },
  );
  if (request) {
    const failed = result.outcome !== 'SUCCESS';
    for (const span of [request, attempt]) {
      span.setAttribute('acme.attempt.outcome', result.outcome);
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? `HTTP ${result.responseStatus}` });
    }
    if (result.responseStatus !== null) request.setAttribute('http.response.status_code', result.responseStatus);
    if (result.error) request.setAttribute('error.type', result.outcome);
    request.end();
  }
  attempt.end();
  return { attemptId: newId('att'), delivery, headers, result };
}

/** OpenTelemetry semantic conventions (messaging, HTTP client); the URL without its query, which may hold a token. */
function describeAttempt(attempt: Span, request: Span, delivery: DueDelivery, path: DeliveryPath) {
  attempt.setAttributes({
    'messaging.message.id': delivery.message.eventId,
    'acme.tenant.id': delivery.tenantId,
    'acme.event.type': delivery.message.eventType,
    'acme.delivery.id': delivery.id,
    'acme.endpoint.id': delivery.endpoint.id,
    'acme.attempt.number': delivery.attemptCount + 1,
    'acme.delivery.path': path,
  });
  const url = new URL(delivery.endpoint.url);
  request.setAttributes({
    'http.request.method': 'POST',
    'url.full': `${url.protocol}//${url.host}${url.pathname}`,
    'server.address': url.hostname,
    'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    'acme.delivery.id': delivery.id,
  });
}

/**
 * Sends one attempt of each delivery, concurrently, and records every result in one transaction.
 * The endpoint workflow's retries take this whole; the dispatcher uses its parts to pipeline.
 */
export async function attemptDeliveries(
  engine: DeliveryEngine,
  batch: readonly DueDelivery[],
  path: DeliveryPath,
): Promise<AttemptOutcomeRecord[]> {
  if (batch.length === 0) return [];
  const secrets = signingSecretsFor(engine, batch);
  const sent = await Promise.all(batch.map((d) => sendDelivery(engine, d, secrets.get(d.endpoint.id) ?? [], path)));
  return recordAttempts(engine, sent, path);
}
