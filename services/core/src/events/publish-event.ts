import { deliveries, endpoints, events, eventTypes } from '@acme/schema/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, DbOrTx } from '../db/client.ts';
import { ConflictError, InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import { eventTypeName } from '../event-types/create-event-type.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';

/** Dispatchers LISTEN on this channel; a publish NOTIFYs it when its transaction commits. */
export const DELIVERIES_CHANNEL = 'acme_deliveries';
/**
 * A notice on the same channel about one endpoint (`pause:<id>`, `resume:<id>`): the dispatchers
 * tell its workflow at once, so the workflow lets go of a paused (or disabled, or deleted) endpoint
 * and takes a resumed one back without waiting for its timer or the hand-off sweep.
 */
export function endpointNotice(change: 'pause' | 'resume', endpointId: string): string {
  return `${change}:${endpointId}`;
}

export function parseEndpointNotice(payload: string): { change: 'pause' | 'resume'; endpointId: string } | null {
  const match = /^(pause|resume):(.+)$/.exec(payload);
  return match ? { change: match[1] as 'pause' | 'resume', endpointId: match[2] as string } : null;
}

const input = z.object({
  eventType: eventTypeName,
  payload: z.unknown(),
  consumerId: z.string().min(1).max(200).nullish(),
  idempotencyKey: z.string().min(1).max(255).nullish(),
});

export type PublishEventInput = z.input<typeof input>;

/**
 * Commits the event and one delivery per matching ACTIVE or PAUSED endpoint in one transaction: the
 * delivery rows are the outbox, so once this returns the event cannot be lost. An event with
 * a consumer goes only to that consumer's endpoints; one without goes to endpoints with none.
 */
export async function publishEvent(db: Db, limits: { payloadBytes: number }, tenantId: string, raw: PublishEventInput) {
  const data = parseInput(input, raw);
  if (data.payload === undefined) throw new InvalidInputError('payload is required.', { field: 'payload' });
  const json = JSON.stringify(data.payload);
  const size = Buffer.byteLength(json);
  if (size > limits.payloadBytes) {
    throw new PayloadTooLargeError(`The payload is ${size} bytes; the limit is ${limits.payloadBytes}.`, {
      limit: limits.payloadBytes,
    });
  }

  return db.transaction(async (tx) => {
    const [type] = await tx
      .select({ archived: eventTypes.archived })
      .from(eventTypes)
      .where(and(eq(eventTypes.tenantId, tenantId), eq(eventTypes.name, data.eventType)));
    if (!type) throw new InvalidInputError(`Unknown event type "${data.eventType}". Create it first.`, { field: 'eventType' });
    if (type.archived) throw new InvalidInputError(`The event type "${data.eventType}" is archived.`, { field: 'eventType' });

    const [event] = await tx
      .insert(events)
      .values({
        id: newId('evt'),
        tenantId,
        eventType: data.eventType,
        consumerId: data.consumerId ?? null,
        // Re-parsed: what is stored is exactly the JSON that was measured, as plain objects.
        payload: JSON.parse(json),
        idempotencyKey: data.idempotencyKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!event) return replayIdempotent(tx, tenantId, data);

    const targets = await tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(
        and(
          eq(endpoints.tenantId, tenantId),
          // Paused endpoints get their deliveries too: held, and sent on resume.
          inArray(endpoints.status, ['ACTIVE', 'PAUSED']),
          isNull(endpoints.deletedAt),
          sql`(cardinality(${endpoints.eventTypes}) = 0 or ${data.eventType} = any(${endpoints.eventTypes}))`,
          data.consumerId ? eq(endpoints.consumerId, data.consumerId) : isNull(endpoints.consumerId),
        ),
      );
    const created =
      targets.length === 0
        ? []
        : await tx
            .insert(deliveries)
            .values(targets.map((t) => ({ id: newId('dlv'), tenantId, eventId: event.id, endpointId: t.id })))
            .returning();
    if (created.length > 0) await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, '')`);
    return { event, deliveries: created, duplicate: false };
  });
}

/** The same idempotency key again: the first event and its deliveries, unless the request differs. */
async function replayIdempotent(tx: DbOrTx, tenantId: string, data: z.output<typeof input>) {
  const [existing] = await tx
    .select()
    .from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.idempotencyKey, data.idempotencyKey ?? '')));
  if (!existing) throw new ConflictError('The event could not be stored; publish it again.');
  const same =
    existing.eventType === data.eventType &&
    (existing.consumerId ?? null) === (data.consumerId ?? null) &&
    (await jsonEqual(tx, existing.payload, data.payload));
  if (!same) {
    throw new ConflictError('This idempotency key was already used for a different event.', { field: 'idempotencyKey' });
  }
  const rows = await tx.select().from(deliveries).where(eq(deliveries.eventId, existing.id));
  return { event: existing, deliveries: rows, duplicate: true };
}

/** Compares as jsonb, the way the payload was stored, so key order and spacing do not matter. */
async function jsonEqual(tx: DbOrTx, stored: unknown, given: unknown): Promise<boolean> {
  const [row] = await tx.execute<{ same: boolean }>(
    sql`select ${JSON.stringify(stored)}::jsonb = ${JSON.stringify(given)}::jsonb as same`,
  );
  return row?.same === true;
}
