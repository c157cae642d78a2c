// Verifies Standard Webhooks signatures with Web Crypto only, so it runs in Node 18+, edge
// runtimes, Deno and browsers alike.
import type { WebhookPayload } from './types.ts';
import { base64ToBytes, bodyText, importSecret, signedContent } from './webhook-signature.ts';

export type WebhookVerificationReason =
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_secret'
  | 'no_matching_signature'
  | 'invalid_body';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
  constructor(
    /** Why, for logs and metrics; answer the request with 400 (or 401) whatever it is. */
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (default 300); replays older than this are refused. */
  toleranceSeconds?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks that a webhook came from Acme Webhooks (any one of its signatures matches the secret)
 * and is fresh, then returns its parsed body. Pass the raw request body exactly as received:
 * re-serialised JSON will not verify.
 */
export async function verifyWebhook<TData = unknown>(
  secret: string,
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: HeaderSource,
  options: VerifyOptions = {},
): Promise<WebhookPayload<TData>> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError('missing_header', 'Missing webhook-id, webhook-timestamp or webhook-signature header.');
  }

  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) {
    throw new WebhookVerificationError('invalid_timestamp', 'Invalid webhook-timestamp header.');
  }
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (now - seconds > tolerance) throw new WebhookVerificationError('timestamp_too_old', 'The webhook timestamp is too old.');
  if (seconds - now > tolerance) throw new WebhookVerificationError('timestamp_too_new', 'The webhook timestamp is too new.');

  const key = await importSecret(secret, 'verify');
  if (!key) throw new WebhookVerificationError('invalid_secret', 'The secret is not valid base64 (expected whsec_...).');
  const body = bodyText(rawBody);
  const content = signedContent(id, timestamp, body);
  let verified = false;
  for (const candidate of signatures.split(' ')) {
    const [version, signature] = candidate.split(',');
    if (version !== 'v1' || !signature) continue;
    const bytes = base64ToBytes(signature);
    // subtle.verify compares in constant time. Every candidate is checked, matched or not, so the
    // time taken does not tell which one matched.
    if (bytes && (await crypto.subtle.verify('HMAC', key, bytes, content))) verified = true;
  }
  if (!verified) throw new WebhookVerificationError('no_matching_signature', 'No matching signature found.');
  try {
    return JSON.parse(body) as WebhookPayload<TData>;
  } catch {
    throw new WebhookVerificationError('invalid_body', 'The signature matches but the body is not JSON.');
  }
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
}
