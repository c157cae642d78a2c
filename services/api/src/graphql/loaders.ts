import {
  attemptRequestBody,
  attemptsOfDeliveries,
  callerOf,
  type Database,
  type DeliveryStats,
  deliveriesOfEvents,
  endpointStats,
  getApiKeys,
  getDeliveries,
  getEndpoints,
  getEvents,
  lastAttemptsOf,
  type NestedSlice,
  type Principal,
  type StatsArgs,
  type TenantCaller,
} from '@acme/core';
import DataLoader from 'dataloader';
import type { ApiKeyModel, DeliveryAttemptModel, DeliveryModel, EndpointModel, EventModel } from './models.ts';

export type Loaders = ReturnType<typeof createLoaders>;

function byId<T extends { id: string }>(rows: T[], ids: readonly string[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/** A nested list's loader: keyed by parent and slice, each slice read for all its parents in one query. */
function slicedLoader<T>(load: (ids: readonly string[], slice: NestedSlice) => Promise<T[]>, parentOf: (row: T) => string) {
  const keyOf = (k: { id: string } & NestedSlice) => `${k.id}|${k.first}|${k.after ?? ''}`;
  return new DataLoader<{ id: string } & NestedSlice, T[], string>(
    async (keys) => {
      const slices = new Map<string, { slice: NestedSlice; ids: string[] }>();
      for (const k of keys) {
        const s = `${k.first}|${k.after ?? ''}`;
        slices.set(s, { slice: { first: k.first, after: k.after }, ids: [...(slices.get(s)?.ids ?? []), k.id] });
      }
      const results = new Map<string, T[]>();
      for (const { slice, ids } of slices.values()) {
        const grouped = groupBy(await load(ids, slice), parentOf, ids);
        for (const [i, id] of ids.entries()) results.set(keyOf({ id, ...slice }), grouped[i]!);
      }
      return keys.map((k) => results.get(keyOf(k)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}

function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return ids.map((id) => map.get(id) ?? []);
}

/**
 * Per-request loaders for the objects a result nests (a delivery's event, an event's deliveries,
 * an endpoint's stats...). They read as the caller of the request: the operation at the top was
 * authorised, and these only fill in what it returned, within the same tenant and consumer.
 */
export function createLoaders(database: Database, principal: Principal | null) {
  const caller = (): TenantCaller => {
    if (principal?.kind !== 'tenant') throw new Error('Nested tenant data needs a tenant caller.');
    return callerOf(principal);
  };
  const { db } = database;
  const eventLoader = new DataLoader<string, EventModel | null>(async (ids) => byId(await getEvents(db, caller(), ids), ids));
  return {
    event: eventLoader,
    endpoint: new DataLoader<string, EndpointModel | null>(async (ids) =>
      byId(await getEndpoints(db, caller(), ids, { includeDeleted: true }), ids),
    ),
    delivery: new DataLoader<string, DeliveryModel | null>(async (ids) => byId(await getDeliveries(db, caller(), ids), ids)),
    deliveriesOfEvent: slicedLoader<DeliveryModel>(
      (ids, slice) => deliveriesOfEvents(db, caller(), ids, slice),
      (d) => d.eventId,
    ),
    attempts: slicedLoader<DeliveryAttemptModel>(
      (ids, slice) => attemptsOfDeliveries(db, caller(), ids, slice),
      (a) => a.deliveryId,
    ),
    /** The keys an audit log page names: one query for the page, revoked keys and portal sessions included. */
    apiKey: new DataLoader<string, ApiKeyModel | null>(async (ids) => byId(await getApiKeys(db, caller(), ids), ids)),
    lastAttempt: new DataLoader<string, DeliveryAttemptModel | null>(async (ids) =>
      groupBy(await lastAttemptsOf(db, caller(), ids), (a) => a.deliveryId, ids).map((list) => list[0] ?? null),
    ),
    /**
     * The body an attempt sent, built once per event for the request: every attempt of every delivery
     * of an event shares it (a payload is up to 256 KiB, and attempts of one event are many).
     */
    requestBody: new DataLoader<string, string | null>(async (eventIds) => {
      const events = await eventLoader.loadMany(eventIds);
      return events.map((e) => (e instanceof Error ? e : e ? attemptRequestBody(e) : null));
    }),
    /** Keyed by endpoint and window: every endpoint of a page asking for the same window shares one grouped query. */
    endpointStats: new DataLoader<{ endpointId: string } & StatsArgs, DeliveryStats, string>(
      async (keys) => {
        const windows = new Map<string, { args: StatsArgs; ids: string[] }>();
        for (const k of keys) {
          const w = windowKey(k);
          windows.set(w, { args: k, ids: [...(windows.get(w)?.ids ?? []), k.endpointId] });
        }
        const results = new Map<string, DeliveryStats>();
        for (const [w, { args, ids }] of windows) {
          for (const [id, stats] of await endpointStats(db, caller(), ids, args)) results.set(`${id}|${w}`, stats);
        }
        return keys.map((k) => results.get(`${k.endpointId}|${windowKey(k)}`)!);
      },
      { cacheKeyFn: (k) => `${k.endpointId}|${windowKey(k)}` },
    ),
  };
}

function windowKey(args: StatsArgs): string {
  return `${args.since?.toISOString() ?? ''}|${args.until?.toISOString() ?? ''}|${args.bucket ?? ''}`;
}
