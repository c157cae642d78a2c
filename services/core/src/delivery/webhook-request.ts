import corePackage from '../../package.json' with { type: 'json' };
import { signWebhook } from './signature.ts';

/** DESIGN §3: `AcmeWebhooks/<version>`, the version released, not one typed twice. */
export const USER_AGENT = `AcmeWebhooks/${corePackage.version}`;

export interface WebhookMessage {
  /** The event id: the same across retries, replays and endpoints, so receivers can deduplicate. */
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  payload: unknown;
}

/** DESIGN §3: the body an endpoint receives. */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({ type: message.eventType, timestamp: message.eventCreatedAt.toISOString(), data: message.payload });
}

/** The headers of one attempt: the endpoint's own first, so ours (and the signature) always win. */
export function webhookHeaders(
  message: WebhookMessage,
  body: string,
  secrets: readonly string[],
  customHeaders: Record<string, string>,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    ...customHeaders,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': message.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secrets, message.eventId, timestamp, body),
  };
}

/** Headers whose values the attempt log keeps: the gateway's own, but not the signature. */
const LOGGED_VALUES = new Set(['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp']);

/**
 * The attempt log keeps every request header's name but not the signature (as good as a credential
 * for replay) nor the endpoint's custom values (often the receiver's credentials, and read-only keys
 * and portal sessions read this log). Also applied when reading rows logged before this rule.
 */
export function loggedRequestHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, LOGGED_VALUES.has(name) ? value : '[redacted]']),
  );
}
