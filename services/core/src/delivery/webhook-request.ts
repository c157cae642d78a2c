import { signWebhook } from './signature.ts';

export const USER_AGENT = 'AcmeWebhooks/0.1.0';

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
