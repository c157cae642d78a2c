import { webhookBody } from '../delivery/webhook-request.ts';

/**
 * The exact body an attempt sent, rebuilt from its event the way the delivery client builds it
 * (so the attempt log need not store a copy of every payload); null once the payload was expunged.
 */
export function attemptRequestBody(event: {
  id: string;
  eventType: string;
  createdAt: Date;
  payload: unknown;
  payloadExpungedAt: Date | null;
}): string | null {
  if (event.payloadExpungedAt || event.payload === null) return null;
  return webhookBody({ eventId: event.id, eventType: event.eventType, eventCreatedAt: event.createdAt, payload: event.payload });
}
