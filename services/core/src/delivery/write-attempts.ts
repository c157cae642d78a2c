import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';
import type { DeliveryPath } from './attempt-deliveries.ts';

type Sql = postgres.Sql | postgres.TransactionSql;

/** One attempt and what it decided for its delivery. */
export interface AttemptWrite {
  attemptId: string;
  deliveryId: string;
  tenantId: string;
  endpointId: string;
  /** The delivery's attempt_count when it was sent: it moves on only from there. */
  sentAtCount: number;
  /** Fast path: the dispatcher whose claim it was sent under; only that claim's write decides. */
  leaseOwner: string | null;
  startedAt: string;
  durationMs: number;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  outcome: string;
  error: string | null;
  hint: string | null;
  /** The delivery's next status: PENDING for a retry scheduled (it then belongs to its endpoint's workflow). */
  status: 'PENDING' | 'SUCCEEDED' | 'DEAD_LETTERED' | 'CANCELLED';
  retry: boolean;
  /** A retry: due this long after the write, on Postgres's clock. */
  retryInMs: number | null;
}

/**
 * A batch of attempts in one statement: the attempt rows, each delivery moved on, and, on the fast
 * path, a success clears its endpoint's failing_since. Returns the deliveries that moved.
 *
 * Which write decides (a compare-and-set): on the durable path, the one sent at the delivery's
 * current attempt_count, by its workflow; on the fast path, the one sent under the delivery's current
 * claim (lease_owner: a claim taken over after its lease ran out, or from a dispatcher that looked
 * dead, has another owner; a probe or a cancel clears it). An attempt outvoted that way was still
 * made: it is logged as an attempt and counted (the next one is numbered after it), but decides
 * nothing. One whose delivery was cancelled meanwhile is logged too (see countCancelledAttempts).
 * Attempts already written (their id is there) are skipped whole, so writing a batch again after a
 * commit whose answer was lost changes nothing. One fixed text per path, prepared once per
 * connection; on its own it is its own transaction.
 */
export function writeAttempts(
  sql: Sql,
  path: DeliveryPath,
  writes: readonly AttemptWrite[],
  /** Lock every endpoint of the batch, not just those whose failing_since this clears: the transaction goes on to change them. */
  lockAllEndpoints: boolean,
) {
  const fast = path === 'FAST';
  const decides = fast
    ? sql`(d.handler = 'DISPATCHER' and d.lease_owner = v."leaseOwner")`
    : sql`(d.handler = 'WORKFLOW' and d.attempt_count = v."sentAtCount")`;
  return sql<{ id: string; endpoint_id: string; next_attempt_at: string }[]>`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) as v(
        "attemptId" text, "deliveryId" text, "tenantId" text, "endpointId" text, "sentAtCount" int, "leaseOwner" text,
        "startedAt" timestamptz, "durationMs" int, url text, "requestHeaders" jsonb, "responseStatus" int,
        "responseHeaders" jsonb, "responseBody" text, outcome text, error text, hint text,
        status text, retry boolean, "retryInMs" float8)
       -- A probe per row by primary key, not "not exists": that one becomes a join, and its cached plan,
       -- made while the table was young, read all of delivery_attempts for every batch until analyzed.
       where (select a.id from delivery_attempts a where a.id = v."attemptId") is null),
    -- Endpoints first, in id order, then deliveries: the order planRetries, updateEndpoint and
    -- disabling take them in, so two of them never wait on each other (40P01). moved reads this as an
    -- InitPlan, which runs before it locks a delivery.
    endpoints_locked as materialized (
      select e.id from endpoints e
       where e.id = any(array(select distinct "endpointId" from v))
         and (${lockAllEndpoints} or e.failing_since is not null)
       order by e.id
         for no key update of e),
    moved as (
      update deliveries d
         set attempt_count = d.attempt_count + 1,
             status = v.status::delivery_status,
             completed_at = case when v.retry then null else now() end,
             next_attempt_at = case when v.retry then now() + v."retryInMs" * interval '1 millisecond' else d.next_attempt_at end,
             handler = case when v.retry then 'WORKFLOW'::delivery_handler else d.handler end,
             -- A retry leaving the fast path still has to reach its workflow; one already there does not.
             handed_off = case when v.retry then ${!fast} else d.handed_off end,
             lease_owner = null,
             lease_expires_at = null
        from v
       where d.id = v."deliveryId" and d.status = 'PENDING' and ${decides}
         and (select count(*) from endpoints_locked) >= 0
      returning d.id, d.endpoint_id, d.attempt_count, d.next_attempt_at, v.status),
    -- Sent, but not the write that decides (see above): counted, so that the attempt of the sender
    -- that does decide is numbered after this one.
    outvoted as (
      update deliveries d set attempt_count = d.attempt_count + 1
        from v
       where d.id = v."deliveryId" and d.status = 'PENDING' and not coalesce(${decides}, false)
         and (select count(*) from endpoints_locked) >= 0
      returning d.id, d.attempt_count),
    attempts as (
      insert into delivery_attempts (id, delivery_id, tenant_id, attempt_number, path, started_at, duration_ms, url,
                                     request_headers, response_status, response_headers, response_body, outcome, error, hint)
      select v."attemptId", v."deliveryId", v."tenantId", coalesce(m.attempt_count, o.attempt_count, v."sentAtCount" + 1),
             ${path}::delivery_path, v."startedAt",
             v."durationMs", v.url, v."requestHeaders", v."responseStatus", v."responseHeaders", v."responseBody",
             v.outcome::attempt_outcome, v.error, v.hint
        from v left join moved m on m.id = v."deliveryId" left join outvoted o on o.id = v."deliveryId"
      on conflict do nothing),
    -- One success clears failing_since (on the durable path, after recovery has read it: endpoint-outcomes.ts).
    cleared as (
      update endpoints e set failing_since = null
       where ${fast}
         and e.id = any(array(select distinct m.endpoint_id from moved m where m.status = 'SUCCEEDED'))
         and e.failing_since is not null)
    select id, endpoint_id, next_attempt_at from moved`;
}

/**
 * Deliveries cancelled while their attempt was in flight: the attempt still happened and keeps its
 * number, so a replay numbers the next one after it.
 */
export function countCancelledAttempts(sql: Sql, writes: readonly AttemptWrite[]) {
  return sql`
    update deliveries d set attempt_count = v.sent_at_count + 1
      from unnest(${textArray(writes.map((w) => w.deliveryId))}::text[], ${textArray(writes.map((w) => String(w.sentAtCount)))}::int[])
        as v(id, sent_at_count)
     where d.id = v.id and d.status = 'CANCELLED' and d.attempt_count = v.sent_at_count`;
}
