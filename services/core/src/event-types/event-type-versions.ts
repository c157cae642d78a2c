import { LRUCache } from 'lru-cache';
import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';

/** What publishing needs of an event type, at one version. */
export interface EventTypeVersion {
  id: string;
  name: string;
  archived: boolean;
  schema: unknown;
  /** updated_at in µs, as Postgres computes it (a string: int8): every change to a type moves it. */
  version: string;
  /** Keys the compiled-schema cache (payload-schema.ts). */
  cacheKey: string;
}

/**
 * The event types this process has published recently, so that a publish needs no lookup round
 * trip: it validates against the version it knows and the insert checks, in the same statement,
 * that this is still the type's version (see store-events.ts). A stale entry never refuses or
 * admits anything: a mismatch is looked up again and decided on what the database says.
 */
const known = new LRUCache<string, EventTypeVersion>({ max: 10_000 });

const keyOf = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

export function knownEventTypes(tenantId: string, names: readonly string[]): Map<string, EventTypeVersion> | null {
  const types = new Map<string, EventTypeVersion>();
  for (const name of names) {
    const type = known.get(keyOf(tenantId, name));
    if (!type) return null;
    types.set(name, type);
  }
  return types;
}

/** The statement (for a tenant pipeline) that reads the current version of `names`. */
export function selectEventTypeVersions(sql: postgres.Sql, tenantId: string, names: readonly string[]) {
  return sql<Omit<EventTypeVersion, 'cacheKey'>[]>`
    select t.id, t.name, t.archived, t.schema, (extract(epoch from t.updated_at) * 1000000)::bigint as version
      from event_types t
     where t.tenant_id = ${tenantId} and t.name = any(${textArray(names)}::text[])`;
}

/** Remembers what the database said about `names`, and returns it by name (absent: no such type). */
export function rememberEventTypes(
  tenantId: string,
  names: readonly string[],
  rows: readonly Omit<EventTypeVersion, 'cacheKey'>[],
) {
  for (const name of names) known.delete(keyOf(tenantId, name));
  const types = new Map<string, EventTypeVersion>();
  for (const row of rows) {
    const type = { ...row, version: String(row.version), cacheKey: `${row.id}@${row.version}` };
    known.set(keyOf(tenantId, row.name), type);
    types.set(row.name, type);
  }
  return types;
}
