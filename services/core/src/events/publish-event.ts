import { SpanKind } from '@opentelemetry/api';
import type postgres from 'postgres';
import { z } from 'zod';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { pipelineInTenant } from '../db/tenant-scope.ts';
import type { RetrySchedule } from '../delivery/retry-schedule.ts';
import { AcmeError, ConflictError, InvalidInputError, PayloadTooLargeError } from '../errors.ts';
import { eventTypeName } from '../event-types/create-event-type.ts';
import {
  type EventTypeVersion,
  knownEventTypes,
  rememberEventTypes,
  selectEventTypeVersions,
} from '../event-types/event-type-versions.ts';
import { assertPayloadMatches } from '../event-types/payload-schema.ts';
import { newId } from '../ids.ts';
import { effectiveLimits, type TenantLimits } from '../tenants/tenant-limits.ts';
import { endSpan, traceparentOf, tracer } from '../tracing.ts';
import { parseInput, storableJson } from '../validation.ts';
import type { PublishRateLimiter } from './publish-rate-limiter.ts';
import {
  type DeliveryRow,
  type EventRow,
  type NewEvent,
  type StoredEvents,
  selectByIdempotencyKeys,
  storedEvents,
  storeEvents,
  toDeliveryRow,
  toEventRow,
} from './store-events.ts';
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

export type { DeliveryRow, EventRow };
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
  const names = [...new Set(items.map((i) => i.eventType))];
  const rows: NewEvent[] = items.map((item) => ({
    id: newId('evt'),
    eventType: item.eventType,
    consumerId: item.consumerId ?? null,
    json: item.json,
    idempotencyKey: item.idempotencyKey ?? null,
    traceParent,
  }));

  // A batch with idempotency keys decides on its repeats before it commits (one more round trip):
  // one key used for a different event refuses the whole batch. Otherwise COMMIT goes with the
  // insert; a single event that repeats a key stored nothing, and its answer is read afterwards.
  const atomic = batch && rows.some((r) => r.idempotencyKey !== null);
  let repeats = new Map<number, Published>();
  const findRepeats = async (stored: StoredEvents, tx: postgres.Sql) => {
    if (stored.typesCurrent) repeats = await replayRepeats(tx, caller.tenantId, batch, rows, stored);
  };

  // The types as this process last saw them; checked again by the insert itself, so at most one
  // more round trip when one changed (or was never seen here).
  let types = knownEventTypes(caller.tenantId, names);
  let stored: StoredEvents | null = null;
  for (let fresh = types === null; ; fresh = true) {
    if (fresh) types = await lookUpTypes(db, caller.tenantId, names);
    const refused = check(batch, items, types!);
    if (refused) {
      if (fresh) throw refused;
      continue;
    }
    const store = (sql: postgres.Sql) =>
      storeEvents(sql, caller.tenantId, rows, [...types!.values()], settings.defaultRetrySchedule[0] ?? 0);
    // The store scopes itself to the tenant (store-events.ts): a transaction only when the repeats
    // must be decided before it commits.
    stored = storedEvents(
      caller.tenantId,
      atomic
        ? await pipelineInTenant(db.$client, caller.tenantId, store, (results, tx) =>
            findRepeats(storedEvents(caller.tenantId, results), tx),
          )
        : [await store(db.$client)[0]],
    );
    if (stored.typesCurrent || fresh) break;
  }
  if (!stored.typesCurrent) throw new ConflictError('An event type changed while publishing; publish again.');
  if (!atomic && stored.events.includes(null)) {
    const done = stored;
    await pipelineInTenant(
      db.$client,
      caller.tenantId,
      () => [] as const,
      (_, tx) => findRepeats(done, tx),
    );
  }

  const results = stored.events.map(
    (event, index): Published =>
      event
        ? { event, deliveries: stored.deliveries.filter((d) => d.eventId === event.id), duplicate: false }
        : repeats.get(index)!,
  );
  if (results.some((r) => !r.duplicate && r.deliveries.length > 0)) wakeDispatchers(db.$client);
  return { results, rate };
}

/** The events stored earlier under the keys that repeated; CONFLICT (naming the event) where the request differs. */
async function replayRepeats(
  tx: postgres.Sql,
  tenantId: string,
  batch: boolean,
  rows: readonly NewEvent[],
  stored: StoredEvents,
): Promise<Map<number, Published>> {
  const repeated = [...stored.events.keys()].filter((index) => stored.events[index] === null);
  const found = await selectByIdempotencyKeys(
    tx,
    tenantId,
    repeated.map((index) => rows[index]!),
  );
  const replays = new Map<number, Published>();
  for (const [n, index] of repeated.entries()) {
    const existing = found[n];
    const row = rows[index]!;
    atIndex(batch, index, () => {
      if (!existing?.id) throw new ConflictError('The event could not be stored; publish it again.');
      if (existing.event_type !== row.eventType || existing.consumer_id !== row.consumerId || !existing.same) {
        throw new ConflictError('This idempotency key was already used for a different event.', { field: 'idempotencyKey' });
      }
      replays.set(index, {
        event: toEventRow(tenantId, { ...existing, id: existing.id }),
        deliveries: (existing.deliveries ?? []).map(toDeliveryRow),
        duplicate: true,
      });
    });
  }
  return replays;
}

async function lookUpTypes(db: Db, tenantId: string, names: readonly string[]) {
  const [rows] = await pipelineInTenant(db.$client, tenantId, (tx) => [selectEventTypeVersions(tx, tenantId, names)] as const);
  return rememberEventTypes(tenantId, names, rows);
}

/** The first event a type refuses (unknown, archived, payload not matching its schema), as the error to throw. */
function check(batch: boolean, items: readonly Parsed[], types: Map<string, EventTypeVersion>): unknown {
  try {
    for (const [index, item] of items.entries()) {
      atIndex(batch, index, () => {
        const type = types.get(item.eventType);
        if (!type)
          throw new InvalidInputError(`Unknown event type "${item.eventType}". Create it first.`, { field: 'eventType' });
        if (type.archived) throw new InvalidInputError(`The event type "${item.eventType}" is archived.`, { field: 'eventType' });
        assertPayloadMatches(type, item.payload);
      });
    }
    return null;
  } catch (err) {
    return err;
  }
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
