import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { BLOCKED_DESTINATION_CODE, ON_DISPATCHED } from './delivery-client.ts';
import { DNS_ERROR_CODE, DnsLookupError } from './host-resolver.ts';
import { describeResponseBody, storableHeaders, storableText } from './storable-text.ts';

export type AttemptOutcome =
  | 'SUCCESS'
  | 'HTTP_ERROR'
  | 'TIMEOUT'
  | 'CONNECTION_ERROR'
  | 'DNS_ERROR'
  | 'TLS_ERROR'
  | 'REDIRECT'
  | 'BLOCKED_DESTINATION';

export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface AttemptResult {
  startedAt: Date;
  durationMs: number;
  outcome: AttemptOutcome;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  /** A sentence for the receiver's owner: what went wrong and what to check. */
  hint: string | null;
  /** From `Retry-After` on 429/503, capped at one hour; null when absent. */
  retryAfterMs: number | null;
}

export interface SendOptions {
  /** The guarded client (delivery-client.ts): it refuses what the destination guard refuses. */
  client: Dispatcher;
  responseBodyBytes: number;
}

const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * One HTTP try: guard → POST → outcome class and hint. Never throws; every failure is an outcome.
 * Everything in the result that the receiver controls is storable as Postgres text/jsonb (storable-text.ts).
 */
export async function sendAttempt(req: AttemptRequest, options: SendOptions): Promise<AttemptResult> {
  const startedAt = new Date();
  const started = performance.now();
  const done = (fields: Partial<AttemptResult> & Pick<AttemptResult, 'outcome'>): AttemptResult => {
    const result: AttemptResult = {
      startedAt,
      durationMs: Math.round(performance.now() - started),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      error: null,
      hint: null,
      retryAfterMs: null,
      ...fields,
    };
    if (result.error !== null) result.error = storableText(result.error);
    if (result.hint !== null) result.hint = storableText(result.hint);
    return result;
  };

  const url = new URL(req.url);
  // Not AbortSignal.timeout(): its timer cannot be cleared, so every attempt left a timer (and a
  // WeakRef) alive for the whole timeout after it was answered: 10,000 of them in the worker's heap
  // at 600 deliveries/s. Started when the request is written to a connection, not before: the
  // time spent connecting has its own timeout and is not the receiver's time to answer.
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const startTimeout = () => {
    timer ??= setTimeout(() => abort.abort(new DOMException('The operation timed out.', 'TimeoutError')), req.timeoutMs);
  };
  try {
    const response = await request(url, {
      // Read by the delivery client's interceptor; undici's option types do not know it.
      ...({ [ON_DISPATCHED]: startTimeout } as object),
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: options.client,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: abort.signal,
    });
    const responseHeaders = storableHeaders(flattenHeaders(response.headers));
    const responseBody = describeResponseBody({
      ...(await readTruncated(response.body, options.responseBodyBytes)),
      contentType: responseHeaders['content-type'],
      contentEncoding: responseHeaders['content-encoding'],
    });
    const status = response.statusCode;
    const outcome: AttemptOutcome =
      status >= 200 && status < 300 ? 'SUCCESS' : status >= 300 && status < 400 ? 'REDIRECT' : 'HTTP_ERROR';
    return done({
      outcome,
      responseStatus: status,
      responseHeaders,
      responseBody,
      hint: outcome === 'SUCCESS' ? null : httpHint(status, responseHeaders.location),
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(responseHeaders['retry-after'], Date.now()) : null,
    });
  } catch (err) {
    const outcome = classifyError(err);
    return done({ outcome, error: describeError(err), hint: dnsTimedOut(err) ? DNS_TIMEOUT_HINT : HINTS[outcome] });
  } finally {
    clearTimeout(timer);
  }
}

async function readTruncated(
  body: AsyncIterable<Buffer> & { dump(opts?: { limit: number }): Promise<void> },
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  // Drain a little more so the connection can be reused; a huge body closes it instead.
  await body.dump({ limit: 64 * 1024 }).catch(() => {});
  return { bytes: Buffer.concat(chunks).subarray(0, limit), truncated: size > limit };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - nowMs;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.name === 'string') codes.push(e.name);
    current = e.cause;
  }
  return codes;
}

export function classifyError(err: unknown): AttemptOutcome {
  const codes = errorCodes(err);
  const has = (...c: string[]) => codes.some((code) => c.includes(code));
  if (has(BLOCKED_DESTINATION_CODE)) return 'BLOCKED_DESTINATION';
  if (has(DNS_ERROR_CODE, 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA')) return 'DNS_ERROR';
  if (has('TimeoutError', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'))
    return 'TIMEOUT';
  if (codes.some((c) => c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || c.includes('CERT') || c === 'EPROTO'))
    return 'TLS_ERROR';
  return 'CONNECTION_ERROR';
}

function dnsTimedOut(err: unknown): boolean {
  for (let current = err, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DnsLookupError) return current.timedOut;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const DNS_TIMEOUT_HINT =
  "The name servers for the endpoint's host did not answer in time. Check that its DNS is up and its records are served.";

function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 3; depth++) {
    const e = current as { message?: string; code?: string; cause?: unknown };
    if (e.message) parts.push(e.code && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message);
    current = e.cause;
  }
  return parts.join(': ') || String(err);
}

const HINTS: Record<AttemptOutcome, string | null> = {
  SUCCESS: null,
  HTTP_ERROR: null,
  REDIRECT: null,
  TIMEOUT: 'The endpoint did not answer in time. Respond with 2xx quickly and do slow work after responding.',
  CONNECTION_ERROR:
    'Could not connect to the endpoint, or it closed the connection. Check that the server is running and reachable from the internet.',
  DNS_ERROR: "The endpoint's host name does not resolve. Check the URL for typos and that its DNS record exists.",
  TLS_ERROR: "The endpoint's TLS certificate was not accepted. Check that it is valid, unexpired and matches the host name.",
  BLOCKED_DESTINATION: 'The endpoint resolves to a private or reserved address, which webhooks may not be sent to.',
};

function httpHint(status: number, location: string | undefined): string {
  if (status >= 300 && status < 400) {
    return `The endpoint redirected${location ? ` to ${location}` : ''}; redirects are not followed. Update the endpoint URL to the final address.`;
  }
  if (status === 401 || status === 403)
    return `The endpoint refused the request (${status}). Check its authentication settings or custom headers.`;
  if (status === 404) return 'The endpoint answered 404 Not Found. Check the URL path.';
  if (status === 410) return 'The endpoint answered 410 Gone: it says it no longer accepts webhooks.';
  if (status === 413) return 'The endpoint refused the payload as too large (413). Raise its request size limit.';
  if (status === 429)
    return 'The endpoint is rate limiting us (429). Deliveries are retried later; raise its limit or lower the endpoint rate limit.';
  if (status >= 500) return `The endpoint had a server error (${status}). Check its logs; deliveries are retried.`;
  return `The endpoint answered ${status}. Any 2xx status marks a delivery as successful.`;
}
