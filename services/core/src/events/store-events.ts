import type { deliveries, events } from '@acme/schema/db';
import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';
import type { EventTypeVersion } from '../event-types/event-type-versions.ts';

export type EventRow = typeof events.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;

export interface NewEvent {
  id: string;
  eventType: string;
  consumerId: string | null;
  /** The payload as measured and validated: stored as exactly this JSON. */
  json: string;
  idempotencyKey: string | null;
  /** W3C traceparent of the publish span, read back by every attempt; null with tracing off. */
  traceParent: string | null;
}

export interface StoredEvents {
  /** False: a type changed (or went) since the version the payloads were checked against; nothing was stored. */
  typesCurrent: boolean;
  /** One per event given, in order; null where the tenant already has an event with its idempotency key. */
  events: (EventRow | null)[];
  /** The deliveries created, for every matching ACTIVE or PAUSED endpoint of the tenant. */
  deliveries: DeliveryRow[];
}

/** timestamptz as the Drizzle-configured client hands it back, and as to_json writes it: text. */
type Timestamp = string;
const toDate = (value: Timestamp) => new Date(value);
const toDateOrNull = (value: Timestamp | null) => (value === null ? null : new Date(value));

interface EventColumns {
  types_current: boolean;
  id: string | null;
  event_type: string;
  consumer_id: string | null;
  payload: unknown;
  payload_expunged_at: Timestamp | null;
  idempotency_key: string | null;
  trace_parent: string | null;
  created_at: Timestamp;
  /** The event's deliveries, as to_json of their rows (null for an event not stored). */
  deliveries: DeliveryColumns[] | null;
}

interface DeliveryColumns {
  id: string;
  tenant_id: string;
  event_id: string;
  endpoint_id: string;
  status: DeliveryRow['status'];
  handler: DeliveryRow['handler'];
  handed_off: boolean;
  held: boolean;
  attempt_count: number;
  schedule_base: number;
  next_attempt_at: Timestamp;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  created_at: Timestamp;
  completed_at: Timestamp | null;
  cancel_reason: DeliveryRow['cancelReason'];
}

/**
 * The publish write: one call of `acme_store_events` (migration 0009), which sets the role and the
 * tenant for Row-Level Security itself and then inserts the events and, for each, one delivery per
 * matching endpoint, but only if every event type is still at the version its payloads were validated
 * against, so a type archived or given a new schema a moment ago is never published to under its old
 * rules. It returns each event with its deliveries (as JSON: one row per event).
 *
 * A statement of its own (no BEGIN and COMMIT around it), so a publish is one round trip and one
 * statement for Postgres: the transaction pipelineInTenant would wrap it in cost four, and a third of
 * the single-event hot path's CPU (test/load/README.md). Inside a pipelineInTenant transaction it
 * works the same. Arrays, not value lists, so the call is prepared once per connection whatever the
 * batch size.
 */
export function storeEvents(
  sql: postgres.Sql,
  tenantId: string,
  items: readonly NewEvent[],
  types: readonly EventTypeVersion[],
  defaultFirstDelayMs: number,
) {
  const text = textArray;
  return [
    sql<EventColumns[]>`
      select * from acme_store_events(${tenantId},
        ${text(items.map((i) => i.id))}::text[], ${text(items.map((i) => i.eventType))}::text[],
        ${text(items.map((i) => i.consumerId))}::text[], ${text(items.map((i) => i.json))}::text[],
        ${text(items.map((i) => i.idempotencyKey))}::text[], ${text(items.map((i) => i.traceParent))}::text[],
        ${text(types.map((t) => t.id))}::text[], ${text(types.map((t) => t.version))}::bigint[], ${defaultFirstDelayMs}::bigint)`,
  ] as const;
}

/** Reads what storeEvents' statements returned. */
export function storedEvents(tenantId: string, [inserted]: readonly [readonly EventColumns[]]): StoredEvents {
  return {
    typesCurrent: inserted[0]?.types_current ?? false,
    events: inserted.map((r) => (r.id === null ? null : toEventRow(tenantId, { ...r, id: r.id }))),
    deliveries: inserted.flatMap((r) => (r.deliveries ?? []).map(toDeliveryRow)),
  };
}

export function toEventRow(
  tenantId: string,
  r: Omit<EventColumns, 'types_current' | 'id' | 'deliveries'> & { id: string },
): EventRow {
  return {
    id: r.id,
    tenantId,
    eventType: r.event_type,
    consumerId: r.consumer_id,
    payload: r.payload,
    payloadExpungedAt: toDateOrNull(r.payload_expunged_at),
    idempotencyKey: r.idempotency_key,
    traceParent: r.trace_parent,
    createdAt: toDate(r.created_at),
  };
}

export function toDeliveryRow(d: DeliveryColumns): DeliveryRow {
  return {
    id: d.id,
    tenantId: d.tenant_id,
    eventId: d.event_id,
    endpointId: d.endpoint_id,
    status: d.status,
    handler: d.handler,
    handedOff: d.handed_off,
    held: d.held,
    attemptCount: d.attempt_count,
    scheduleBase: d.schedule_base,
    nextAttemptAt: toDate(d.next_attempt_at),
    leaseOwner: d.lease_owner,
    leaseExpiresAt: toDateOrNull(d.lease_expires_at),
    createdAt: toDate(d.created_at),
    completedAt: toDateOrNull(d.completed_at),
    cancelReason: d.cancel_reason,
  };
}

/**
 * The events already stored under the idempotency keys of `items` (the repeats of one publish), each
 * with its deliveries, in one statement whatever the number of repeats: one row per item, in order,
 * `id` null where no event holds its key. `same`: the payload compared as jsonb, the way it was
 * stored, so key order and spacing do not matter.
 */
export function selectByIdempotencyKeys(sql: postgres.Sql, tenantId: string, items: readonly NewEvent[]) {
  return sql<(Omit<EventColumns, 'types_current'> & { same: boolean | null })[]>`
    select e.id, e.event_type, e.consumer_id, e.payload, e.payload_expunged_at, e.idempotency_key, e.trace_parent, e.created_at,
           e.payload = x.payload::jsonb as same,
           (select coalesce(json_agg(d order by d.id), '[]') from deliveries d where d.event_id = e.id) as deliveries
      from unnest(${textArray(items.map((i) => i.idempotencyKey ?? ''))}::text[], ${textArray(items.map((i) => i.json))}::text[])
           with ordinality as x(idempotency_key, payload, n)
      left join events e on e.tenant_id = ${tenantId} and e.idempotency_key = x.idempotency_key
     order by x.n`;
}
