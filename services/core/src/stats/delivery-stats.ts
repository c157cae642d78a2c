import { sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { textArray } from '../db/text-array.ts';
import { endpointOfCallersConsumer } from '../endpoints/endpoint-scope.ts';
import { InvalidInputError } from '../errors.ts';

export type StatsBucket = 'MINUTE' | 'HOUR' | 'DAY';
const STEP_MS: Record<StatsBucket, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
/** 24 hours of minutes, two months of hours, four years of days: enough for any chart, bounded for the database. */
export const MAX_BUCKETS = 1500;
const DEFAULT_WINDOW_MS = 24 * 3_600_000;

export interface StatusCounts {
  total: number;
  pending: number;
  succeeded: number;
  deadLettered: number;
  cancelled: number;
}

export interface DeliveryStats {
  since: Date;
  until: Date;
  counts: StatusCounts;
  /** succeeded / (succeeded + dead-lettered); null when none finished. */
  successRate: number | null;
  attemptCount: number;
  attemptLatencyMs: { p50: number; p95: number; p99: number } | null;
  buckets: { start: Date; counts: StatusCounts }[];
}

export interface StatsArgs {
  since?: Date | null;
  until?: Date | null;
  bucket?: StatsBucket | null;
}

interface Window {
  since: Date;
  until: Date;
  bucket: StatsBucket;
}

/** Defaults (the 24 hours before now, by hour) and bounds of a stats window. */
export function statsWindow(args: StatsArgs): Window {
  const until = args.until ?? new Date();
  const since = args.since ?? new Date(until.getTime() - DEFAULT_WINDOW_MS);
  const bucket = args.bucket ?? 'HOUR';
  if (since >= until) throw new InvalidInputError('since must be before until.', { field: 'since' });
  const count = Math.ceil((until.getTime() - binStart(since, bucket)) / STEP_MS[bucket]);
  if (count > MAX_BUCKETS)
    throw new InvalidInputError(`That window has ${count} ${bucket} buckets; at most ${MAX_BUCKETS}. Use a larger bucket.`, {
      field: 'bucket',
    });
  return { since, until, bucket };
}

/** Buckets start on UTC minute, hour or day boundaries, the same as Postgres's date_bin from the epoch. */
function binStart(time: Date, bucket: StatsBucket): number {
  return Math.floor(time.getTime() / STEP_MS[bucket]) * STEP_MS[bucket];
}

/** The tenant's (or one endpoint's) stats; a portal session's only cover its consumer's endpoints. */
export async function deliveryStats(db: Db, caller: TenantCaller, args: StatsArgs & { endpointId?: string | null }) {
  const window = statsWindow(args);
  const stats = await inTenant(db, caller.tenantId, (tx) =>
    statsBy(tx, caller, window, args.endpointId ? [args.endpointId] : null),
  );
  return stats.get(args.endpointId ?? '') ?? emptyStats(window);
}

/** Several endpoints' stats in two grouped queries (a page of endpoints shows them all), by endpoint id. */
export async function endpointStats(db: Db, caller: TenantCaller, endpointIds: readonly string[], args: StatsArgs) {
  const window = statsWindow(args);
  const stats =
    endpointIds.length === 0 ? new Map() : await inTenant(db, caller.tenantId, (tx) => statsBy(tx, caller, window, endpointIds));
  return new Map(endpointIds.map((id) => [id, stats.get(id) ?? emptyStats(window)]));
}

async function statsBy(tx: DbOrTx, caller: TenantCaller, w: Window, endpointIds: readonly string[] | null) {
  const step = sql.raw(`interval '${STEP_MS[w.bucket] / 1000} seconds'`);
  const key = endpointIds ? sql`d.endpoint_id` : sql`''`;
  const scope = sql`d.tenant_id = ${caller.tenantId}
    ${endpointIds ? sql`and d.endpoint_id = any(${textArray(endpointIds)}::text[])` : sql``}
    and ${endpointOfCallersConsumer(sql`d.endpoint_id`, caller) ?? sql`true`}`;
  const counts = await tx.execute<{ key: string; start_ms: number; status: string; n: number }>(sql`
    select ${key} as key, (extract(epoch from date_bin(${step}, d.created_at, 'epoch'::timestamptz)) * 1000)::float8 as start_ms,
           d.status, count(*)::int as n
      from deliveries d
     where ${scope} and d.created_at >= ${w.since.toISOString()}::timestamptz and d.created_at < ${w.until.toISOString()}::timestamptz
     group by 1, 2, 3`);
  const latency = await tx.execute<{ key: string; n: number; p: number[] | null }>(sql`
    select ${key} as key, count(*)::int as n,
           percentile_cont(array[0.5, 0.95, 0.99]) within group (order by a.duration_ms) as p
      from delivery_attempts a join deliveries d on d.id = a.delivery_id
     where ${scope} and a.tenant_id = ${caller.tenantId}
       and a.started_at >= ${w.since.toISOString()}::timestamptz and a.started_at < ${w.until.toISOString()}::timestamptz
     group by 1`);

  const byKey = new Map<string, DeliveryStats>();
  const bucketsOf = new Map<DeliveryStats, Map<number, StatusCounts>>();
  const statsOf = (k: string) => {
    let s = byKey.get(k);
    if (!s) {
      s = emptyStats(w);
      byKey.set(k, s);
      bucketsOf.set(s, new Map(s.buckets.map((b) => [b.start.getTime(), b.counts])));
    }
    return s;
  };
  for (const row of counts) {
    const s = statsOf(row.key);
    const bucket = bucketsOf.get(s)!.get(row.start_ms);
    for (const c of bucket ? [s.counts, bucket] : [s.counts]) add(c, row.status, row.n);
  }
  for (const row of latency) {
    const s = statsOf(row.key);
    s.attemptCount = row.n;
    if (row.p) s.attemptLatencyMs = { p50: row.p[0]!, p95: row.p[1]!, p99: row.p[2]! };
  }
  for (const s of byKey.values()) {
    const finished = s.counts.succeeded + s.counts.deadLettered;
    s.successRate = finished === 0 ? null : s.counts.succeeded / finished;
  }
  return byKey;
}

function add(counts: StatusCounts, status: string, n: number) {
  counts.total += n;
  if (status === 'PENDING') counts.pending += n;
  else if (status === 'SUCCEEDED') counts.succeeded += n;
  else if (status === 'DEAD_LETTERED') counts.deadLettered += n;
  else if (status === 'CANCELLED') counts.cancelled += n;
}

const zero = (): StatusCounts => ({ total: 0, pending: 0, succeeded: 0, deadLettered: 0, cancelled: 0 });

function emptyStats(w: Window): DeliveryStats {
  const buckets = [];
  for (let t = binStart(w.since, w.bucket); t < w.until.getTime(); t += STEP_MS[w.bucket])
    buckets.push({ start: new Date(t), counts: zero() });
  return { since: w.since, until: w.until, counts: zero(), successRate: null, attemptCount: 0, attemptLatencyMs: null, buckets };
}
