import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';
import { LIVENESS_LOCK_CLASS, livenessKey } from './dispatcher-liveness.ts';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';
import { lockById } from './lock-by-id.ts';
import { tatAfter, tokensAvailable } from './rate-limit.ts';

export interface ClaimOptions {
  /** Identifies this dispatcher in the lease, for debugging stuck claims. */
  owner: string;
  limit: number;
  /** How long the claim holds; a dispatcher that crashes mid-batch gives its rows back when it expires. */
  leaseMs: number;
  /**
   * At most this many deliveries of one endpoint in flight at once (counting `inFlight`), so one
   * busy or hung endpoint cannot fill a batch, nor the dispatcher.
   */
  perEndpointLimit?: number;
  /** Attempts this dispatcher already has in flight, per endpoint. */
  inFlight?: ReadonlyMap<string, number>;
  /** Endpoints to leave out. */
  excludeEndpoints?: readonly string[];
  /**
   * Also take rows leased to a dispatcher that is gone (its liveness lock is free: see
   * dispatcher-liveness.ts) once they were claimed this long ago, rather than wait for their lease.
   * The delay covers a live dispatcher that has just lost its lock's connection (a database restart)
   * and not yet taken it again. Without it, only expired leases are taken.
   */
  deadOwnerGraceMs?: number;
  /**
   * The rows this dispatcher holds claims on right now. Given, a row leased to this owner but not in
   * it is a claim it lost (the claim committed but its answer never arrived: the connection dropped),
   * and is taken again at once rather than after the lease, which must outlast the longest attempt.
   */
  holding?: readonly string[];
}

/**
 * The session a dispatcher claims in. No bitmap scans: the walk must be an ordered scan of the
 * dispatch index that stops at its window, and that marks the entries of delivered rows dead as it
 * passes them, so that later claims skip them. Statistics that say only a few rows are due (the steady
 * state, once autovacuum has analyzed a table of delivered rows) made the cached plan a BitmapAnd of the
 * dispatch index and the undelivered one, then a sort: every claim read every entry of both, dead or
 * dead-lettered (measured in a benchmark's later phases: 4,000-6,800 dispatch and 2,700-4,600
 * undelivered entries a claim). The price, where a bitmap scan was the better plan: ~4 % per claim of
 * 100 rows in a loop on a test database, ~13 % of single-event throughput at saturation in the
 * benchmark (test/load/README.md, pass 5; pass 6 for where a claim's time goes).
 */
export const CLAIM_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  enable_bitmapscan: 'off',
  // Told apart in pg_stat_activity.
  application_name: 'acme-webhooks-claims',
};

/**
 * Held rows a claim marks at most, on top of its window: it walks no further than this past rows it
 * may not send, so a claim that first meets a large held backlog (after this column was added, or a
 * burst to a paused endpoint) holds it in slices, and each claim's cost stays bounded.
 */
const HOLD_SLICE = 2000;

/**
 * The fast path's claim: due first attempts of active endpoints that are not in recovery, of active
 * tenants, within each endpoint's rate limit, leased to this dispatcher. Endpoints that cannot take
 * more right now (rate limit spent, or in `excludeEndpoints`) are filtered before the window is cut,
 * so they never crowd other endpoints' deliveries out of it. Only the rows chosen are locked (SKIP
 * LOCKED, their conditions checked again on the row as it is now), so any number of dispatchers
 * claim side by side without waiting, and a wide window costs no row locks.
 *
 * Rows of a paused or recovering endpoint, or of a suspended tenant, are marked `held` as the claim
 * meets them, which takes them out of the dispatch index: later claims never walk them again, however
 * large that backlog grows. releaseHeldDeliveries gives them back when the endpoint or tenant may send
 * again. A row is marked only while this claim holds its endpoint's and tenant's rows FOR SHARE and
 * they say "not sendable" as they are now; a transition that releases updates those rows first, so it
 * waits for this claim, and then sees its marks. When a claim marked rows, took less than `limit` and
 * walked a full window, it claims again at once: that window may have been all held rows. (One that
 * walked less saw every due row: another round would find nothing new, and under a steady stream to
 * a recovering endpoint each claim would run twice.)
 *
 * Each claim commits without waiting for its WAL flush (see the statement): run it on its own, as the
 * dispatcher does; inside a transaction, the whole transaction would commit that way. Run it in a
 * session with CLAIM_SESSION_SETTINGS.
 */
export async function claimFirstAttempts(sql: postgres.Sql, options: ClaimOptions): Promise<DueDelivery[]> {
  const claimed: DueDelivery[] = [];
  for (;;) {
    // What the rounds before took is this dispatcher's too: not a lost claim to take again.
    const holding = options.holding && [...options.holding, ...claimed.map((d) => d.id)];
    const limit = options.limit - claimed.length;
    const { rows, held, walked } = await claimOnce(sql, { ...options, holding, limit });
    claimed.push(...rows);
    if (held === 0 || claimed.length >= options.limit || walked < windowOf(limit)) return claimed;
  }
}

/** Rows a claim of `limit` walks at most: its candidates and a slice of held rows past them. */
const windowOf = (limit: number) => limit * 4 + HOLD_SLICE;

async function claimOnce(
  sql: postgres.Sql,
  options: ClaimOptions,
): Promise<{ rows: DueDelivery[]; held: number; walked: number }> {
  const rows = await claimStatement(sql, options);
  return {
    rows: rows.filter((r) => r.id !== null).map(toDueDelivery),
    held: rows[0]?.held ?? 0,
    walked: rows[0]?.walked ?? 0,
  };
}

/** One claim as a statement, not yet run (its plan is tested: claim-first-attempts.test.ts). */
export function claimStatement(sql: postgres.Sql, options: ClaimOptions) {
  const perEndpoint = options.perEndpointLimit ?? options.limit;
  const busy = [...(options.inFlight ?? [])];
  const excluded = [...(options.excludeEndpoints ?? []), ...busy.filter(([, n]) => n >= perEndpoint).map(([id]) => id)];
  // Free to claim: never leased, lease run out, or (with deadOwnerGraceMs) leased long enough ago to
  // a dispatcher other than this one whose liveness lock nobody holds: its process is gone. The live
  // owners' lock keys are read from pg_locks once per claim (the live CTE), not per use.
  const holding = options.holding;
  const free = (alias: string) => {
    const d = sql(alias);
    const lost = holding
      ? sql`or (${d}.lease_owner = ${options.owner} and not (${d}.id = any(${textArray(holding)}::text[])))`
      : sql``;
    if (options.deadOwnerGraceMs === undefined)
      return sql`(${d}.lease_expires_at is null or ${d}.lease_expires_at < now() ${lost})`;
    return sql`(${d}.lease_expires_at is null or ${d}.lease_expires_at < now() ${lost}
            or (${d}.lease_owner <> ${options.owner}
                and ${d}.lease_expires_at < now() + ${options.leaseMs - options.deadOwnerGraceMs} * interval '1 millisecond'
                and not (${livenessKey(sql, sql`${d}.lease_owner`)}::bigint = any((select keys from live)::bigint[]))))`;
  };
  return sql<(DueRow & { held: number; walked: number })[]>`
    -- This statement's commit does not wait for the WAL flush: the rows go out at once. Should Postgres
    -- crash before the flush, the claim is lost and its rows are claimed and sent again (same
    -- webhook-id: at-least-once); the attempts' write, which does wait, flushes the claim before it.
    -- Measured: the claim's flush was the largest wait between a publish's commit and its send.
    with relaxed as materialized (select set_config('synchronous_commit', 'off', true)),
    live as materialized (
      select array(select objid::bigint from pg_locks
                    where locktype = 'advisory' and classid = ${LIVENESS_LOCK_CLASS}::int::oid and objsubid = 2 and granted) as keys),
    walked as (
      select c.id, c.endpoint_id, c.next_attempt_at, c.sendable < 0 as hold
        from (select c.id, c.endpoint_id, c.next_attempt_at,
                     -- Per row, not joined: the plan then walks the dispatch index in due order and
                     -- stops at the window, however many endpoints there are. -1: may not send at
                     -- all (held); else the tokens its rate limit has left.
                     (select case when ce.status = 'ACTIVE' and ce.health = 'HEALTHY' and ct.status = 'ACTIVE'
                                  then ${tokensAvailable(sql, 'ce')} else -1 end
                        from endpoints ce join tenants ct on ct.id = ce.tenant_id
                       where ce.id = c.endpoint_id) as sendable
                from deliveries c
               where c.status = 'PENDING' and c.handler = 'DISPATCHER' and not c.held
                 and c.next_attempt_at <= now()
                 and ${free('c')}
                 and not (c.endpoint_id = any(${textArray(excluded)}::text[]))
               order by c.next_attempt_at) c
       -- Rows of a rate-limited endpoint out of tokens are skipped, not held: tokens come back.
       where c.sendable <> 0
       limit ${windowOf(options.limit)}),
    candidates as (
      select id, endpoint_id, next_attempt_at from walked where not hold order by next_attempt_at limit ${options.limit * 4}),
    -- Endpoints whose walked rows may not be sent, checked again on their rows as they are now, and
    -- locked until this claim commits (see the function's comment); one being changed right now is
    -- left for the next claim.
    holding_endpoints as (
      select ce.id from endpoints ce join tenants ct on ct.id = ce.tenant_id
       where ce.id = any(array(select distinct endpoint_id from walked where hold))
         and not (ce.status = 'ACTIVE' and ce.health = 'HEALTHY' and ct.status = 'ACTIVE')
         for share of ce, ct skip locked),
    -- The rows to hold, locked by id (see lockById), then checked as they are now.
    held_rows as materialized (
      ${lockById(sql, sql`h.held`, sql`select id from walked where hold and endpoint_id = any(array(select id from holding_endpoints))`)}),
    held as (
      update deliveries d set held = true
       where d.id = any(array(select id from held_rows where status = 'PENDING' and handler = 'DISPATCHER' and not held))
      returning d.id),
    -- Rate-limited endpoints of the window, locked so that two dispatchers never spend one token
    -- twice; one that another claim holds right now is left for the next round.
    limited as (
      select e.id, e.rate_limit, e.rate_limit_tat from endpoints e
       where e.id = any(array(select distinct endpoint_id from candidates)) and e.rate_limit is not null
         -- NO KEY: publishes' foreign-key checks on these endpoints do not wait for the claim.
         for no key update skip locked),
    ranked as (
      select c.id, c.endpoint_id, c.next_attempt_at, e.rate_limit,
             row_number() over (partition by c.endpoint_id order by c.next_attempt_at) as n
        from candidates c join endpoints e on e.id = c.endpoint_id),
    busy as (
      select * from unnest(${textArray(busy.map(([id]) => id))}::text[], ${textArray(busy.map(([, n]) => String(n)))}::int[])
          as b(endpoint_id, n)),
    chosen as (
      select r.id from ranked r left join limited l on l.id = r.endpoint_id left join busy b on b.endpoint_id = r.endpoint_id
       where r.n <= ${perEndpoint} - coalesce(b.n, 0)
         and (r.rate_limit is null or (l.id is not null and r.n <= ${tokensAvailable(sql, 'l')}))
       order by r.next_attempt_at
       limit ${options.limit}),
    -- Another dispatcher may have claimed a chosen row since this statement's snapshot: locking
    -- re-reads it, and its lease then no longer lets it through. (= any(array(...)): by primary key.)
    locked_rows as materialized (${lockById(sql, sql`h.endpoint_id, h.lease_owner, h.lease_expires_at`, sql`select id from chosen`)}),
    locked as (
      select d.id, d.endpoint_id from locked_rows d where d.status = 'PENDING' and d.handler = 'DISPATCHER' and ${free('d')}),
    spent as (
      update endpoints e set rate_limit_tat = ${tatAfter(sql, 'e', sql`k.n`)}
        from (select endpoint_id, count(*) as n from locked group by endpoint_id) k
       where e.id = k.endpoint_id and e.id = any(array(select id from limited))),
    claimed as (
      update deliveries d
         set lease_owner = ${options.owner},
             lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond'
        from locked
       where d.id = locked.id
      returning d.*)
    -- One row even when nothing was claimed: it carries how many rows were held, and walked.
    select x.*, (select count(*)::int from held) as held, (select count(*)::int from walked) as walked
      from (select 1 from relaxed) one
      left join (select ${dueDeliveryColumns(sql)} from claimed d ${dueDeliveryJoins(sql)}) x on true`;
}
