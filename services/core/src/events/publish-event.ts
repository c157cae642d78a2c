import { deliveries, events } from '@acme/schema/db';
import { SpanKind } from '@opentelemetry/api';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { parseRetrySchedule, type RetrySchedule } from '../delivery/retry-schedule.ts';
import { AcmeError, ConflictError, InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import { eventTypeName } from '../event-types/create-event-type.ts';
import { assertPayloadMatches } from '../event-types/payload-schema.ts';
import { newId } from '../ids.ts';
import { effectiveLimits, type TenantLimits } from '../tenants/tenant-limits.ts';
import { endSpan, traceparentOf, tracer } from '../tracing.ts';
import { parseInput, storableJson } from '../validation.ts';
import type { PublishRateLimiter } from './publish-rate-limiter.ts';
import { wakeDispatchers } from './wake-dispatchers.ts';

export { DELIVERIES_CHANNEL } from './wake-dispatchers.ts';

export const MAX_BATCH = 100;

const input = z.object({
  eventType: eventTypeName,
  payload: storableJson,
  consumerId: z.string().min(1).max(255).nullish(),
  idempotencyKey: z.string().min(1).max(255).nullish(),
});

export type PublishEventInput = z.input<typeof input>;
type Parsed = z.output<typeof input> & { json: string };

export interface PublishSettings {
  rateLimiter: PublishRateLimiter;
  /** The gateway's limits (config.limits.tenantDefaults); the caller's tenant may override them. */
  defaults: TenantLimits;
  /** DELIVERY_RETRY_SCHEDULE: its first delay is the wait before a first attempt, unless overridden. */
  defaultRetrySchedule: RetrySchedule;
}

export type EventRow = typeof events.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export interface Published {
  event: EventRow;
  deliveries: DeliveryRow[];
  /** An earlier publish with the same idempotency key stored this event. */
  duplicate: boolean;
}

/** One event; see publishEvents. */
export async function publishEvent(db: Db, settings: PublishSettings, caller: TenantCaller, raw: PublishEventInput) {
  const { results, rate } = await publish(db, settings, caller, [raw], false);
  return { ...results[0]!, rate };
}

/**
 * Commits the events and one delivery per matching ACTIVE or PAUSED endpoint in one transaction:
 * the delivery rows are the outbox, so once this returns the events cannot be lost; then wakes the
 * dispatchers. Up to 100 at
 * once, all or nothing: any invalid event refuses the whole batch, naming its index. An event with
 * a consumer goes only to that consumer's endpoints; one without goes to endpoints with none.
 */
export async function publishEvents(db: Db, settings: PublishSettings, caller: TenantCaller, raws: readonly PublishEventInput[]) {
  if (!Array.isArray(raws) || raws.length === 0 || raws.length > MAX_BATCH)
    throw new InvalidInputError(`A batch has 1 to ${MAX_BATCH} events.`, { field: 'events' });
  return publish(db, settings, caller, raws, true);
}

/**
 * The publish span (OpenTelemetry messaging: a producer span, child of the request's) is the parent
 * of every attempt of these events: its traceparent is stored on each event row, which the
 * dispatcher and the retry activity read back. With tracing off it is the API's no-op span, whose
 * traceparent is null: nothing is stored, and nothing else is built.
 */
function publish(
  db: Db,
  settings: PublishSettings,
  caller: TenantCaller,
  raws: readonly PublishEventInput[],
  batch: boolean,
): Promise<{ results: Published[]; rate: { limit: number; remaining: number } }> {
  const span = tracer().startSpan(batch ? 'publish batch' : 'publish', { kind: SpanKind.PRODUCER });
  const work = commit(db, settings, caller, raws, batch, traceparentOf(span));
  if (!span.isRecording()) {
    span.end();
    return work;
  }
  span.setAttributes({ 'acme.tenant.id': caller.tenantId, 'messaging.batch.message_count': raws.length });
  return work.then(
    (published) => {
      const first = published.results[0];
      if (!batch && first)
        span.setAttributes({ 'messaging.message.id': first.event.id, 'acme.event.type': first.event.eventType });
      span.setAttribute(
        'acme.deliveries.created',
        published.results.reduce((n, r) => n + (r.duplicate ? 0 : r.deliveries.length), 0),
      );
      endSpan(span);
      return published;
    },
    (err) => {
      endSpan(span, err);
      throw err;
    },
  );
}

async function commit(
  db: Db,
  settings: PublishSettings,
  caller: TenantCaller,
  raws: readonly PublishEventInput[],
  batch: boolean,
  traceParent: string | null,
): Promise<{ results: Published[]; rate: { limit: number; remaining: number } }> {
  const limits = effectiveLimits(settings.defaults, caller.limits);
  const items = raws.map((raw, index) => atIndex(batch, index, () => parseEvent(raw, limits.maxPayloadBytes)));
  const rate = settings.rateLimiter.take(caller.tenantId, limits, items.length);

  const results = await inTenant(db, caller.tenantId, async (tx) => {
    const { types, targets } = await lookUp(tx, caller.tenantId, items);
    for (const [index, item] of items.entries()) {
      atIndex(batch, index, () => {
        const type = types.get(item.eventType);
        if (!type)
          throw new InvalidInputError(`Unknown event type "${item.eventType}". Create it first.`, { field: 'eventType' });
        if (type.archived) throw new InvalidInputError(`The event type "${item.eventType}" is archived.`, { field: 'eventType' });
        assertPayloadMatches(type, item.payload);
      });
    }

    const rows = items.map((item) => ({
      id: newId('evt'),
      tenantId: caller.tenantId,
      eventType: item.eventType,
      consumerId: item.consumerId ?? null,
      // Re-parsed: what is stored is exactly the JSON that was measured, as plain objects.
      payload: JSON.parse(item.json),
      idempotencyKey: item.idempotencyKey ?? null,
      traceParent,
    }));
    const inserted = new Map(
      (await tx.insert(events).values(rows).onConflictDoNothing().returning()).map((e) => [e.id, e] as const),
    );
    const planned = rows.flatMap((row) =>
      inserted.has(row.id)
        ? targets
            .filter((t) => receives(t, row.eventType, row.consumerId))
            .map((t) => ({
              id: newId('dlv'),
              tenantId: caller.tenantId,
              eventId: row.id,
              endpointId: t.id,
              ...firstAttemptAt(t.retrySchedule, settings.defaultRetrySchedule),
            }))
        : [],
    );
    const created = planned.length === 0 ? [] : await tx.insert(deliveries).values(planned).returning();

    const results: Published[] = [];
    for (const [index, row] of rows.entries()) {
      const event = inserted.get(row.id);
      results.push(
        event
          ? { event, deliveries: created.filter((d) => d.eventId === event.id), duplicate: false }
          : await atIndex(batch, index, () => replayIdempotent(tx, caller.tenantId, items[index]!)),
      );
    }
    return results;
  });
  if (results.some((r) => !r.duplicate && r.deliveries.length > 0)) wakeDispatchers(db);
  return { results, rate };
}

function parseEvent(raw: PublishEventInput, maxPayloadBytes: number): Parsed {
  const data = parseInput(input, raw);
  if (data.payload === undefined) throw new InvalidInputError('payload is required.', { field: 'payload' });
  const json = JSON.stringify(data.payload);
  const size = Buffer.byteLength(json);
  if (size > maxPayloadBytes) {
    throw new PayloadTooLargeError(`The payload is ${size} bytes; the limit is ${maxPayloadBytes}.`, {
      field: 'payload',
      limit: maxPayloadBytes,
    });
  }
  return { ...data, json };
}

/** In a batch, an error names the event it is about: `index`, and a field under `events/<index>/`. */
function atIndex<T>(batch: boolean, index: number, work: () => T): T {
  if (!batch) return work();
  const rename = (err: unknown) => {
    if (err instanceof AcmeError) {
      const field = typeof err.details.field === 'string' ? `/${err.details.field}` : '';
      Object.assign(err.details, { index, field: `events/${index}${field}` });
      err.message = `events[${index}]: ${err.message}`;
    }
    return err;
  };
  try {
    const result = work();
    return (result instanceof Promise ? result.catch((err) => Promise.reject(rename(err))) : result) as T;
  } catch (err) {
    throw rename(err);
  }
}

interface Target {
  id: string;
  eventTypes: string[];
  consumerId: string | null;
  /** The endpoint's override, else its tenant's; null = the gateway default. */
  retrySchedule: string | null;
}

/**
 * DESIGN §4: a schedule lists the delays before each attempt, the first one included (`0s` by
 * default). Postgres's clock, like every due check; absent for no delay (the column's default, now()).
 */
function firstAttemptAt(endpointSchedule: string | null, defaultSchedule: RetrySchedule) {
  const delayMs = (endpointSchedule ? parseRetrySchedule(endpointSchedule) : defaultSchedule)[0] ?? 0;
  return delayMs > 0 ? { nextAttemptAt: sql`now() + ${delayMs} * interval '1 millisecond'` } : {};
}

function receives(target: Target, eventType: string, consumerId: string | null): boolean {
  return (target.eventTypes.length === 0 || target.eventTypes.includes(eventType)) && target.consumerId === consumerId;
}

/**
 * The event types named and every endpoint that may receive any of the events, in one round trip.
 * The type's version (updated_at in µs) keys the compiled-schema cache.
 */
async function lookUp(tx: DbOrTx, tenantId: string, items: readonly Parsed[]) {
  const names = [...new Set(items.map((i) => i.eventType))];
  const consumers = [...new Set(items.flatMap((i) => (i.consumerId ? [i.consumerId] : [])))];
  const [row] = await tx.execute<{ types: TypeRow[]; targets: Target[] }>(sql`
    select
      (select coalesce(json_agg(json_build_object(
          'id', t.id, 'name', t.name, 'archived', t.archived, 'schema', t.schema,
          'version', (extract(epoch from t.updated_at) * 1000000)::bigint)), '[]'::json)
         from event_types t
        where t.tenant_id = ${tenantId} and t.name = any(${pgTextArray(names)}::text[])) as types,
      (select coalesce(json_agg(json_build_object('id', e.id, 'eventTypes', e.event_types, 'consumerId', e.consumer_id,
                'retrySchedule', coalesce(e.retry_schedule, tn.retry_schedule))), '[]'::json)
         from endpoints e join tenants tn on tn.id = e.tenant_id
        where e.tenant_id = ${tenantId} and e.status in ('ACTIVE', 'PAUSED') and e.deleted_at is null
          and (cardinality(e.event_types) = 0 or e.event_types && ${pgTextArray(names)}::text[])
          and (e.consumer_id is null or e.consumer_id = any(${pgTextArray(consumers)}::text[]))) as targets`);
  const types = new Map(
    row!.types.map((t) => [t.name, { archived: t.archived, schema: t.schema, cacheKey: `${t.id}@${t.version}` }]),
  );
  return { types, targets: row!.targets };
}

interface TypeRow {
  id: string;
  name: string;
  archived: boolean;
  schema: unknown;
  version: number;
}

/** A Postgres text[] literal: Drizzle binds JS arrays element by element, which `= any()` cannot take. */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
}

/** The same idempotency key again: the first event and its deliveries, unless the request differs. */
async function replayIdempotent(tx: DbOrTx, tenantId: string, data: Parsed): Promise<Published> {
  const [existing] = await tx
    .select({ event: events, same: sql<boolean>`${events.payload} = ${data.json}::jsonb` })
    .from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.idempotencyKey, data.idempotencyKey ?? '')));
  if (!existing) throw new ConflictError('The event could not be stored; publish it again.');
  const { event } = existing;
  // Compared as jsonb, the way the payload was stored, so key order and spacing do not matter.
  const same = event.eventType === data.eventType && (event.consumerId ?? null) === (data.consumerId ?? null) && existing.same;
  if (!same) {
    throw new ConflictError('This idempotency key was already used for a different event.', { field: 'idempotencyKey' });
  }
  const rows = await tx.select().from(deliveries).where(eq(deliveries.eventId, event.id));
  return { event, deliveries: rows, duplicate: true };
}
