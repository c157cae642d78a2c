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
  nextAttemptAt: string | null;
}

/**
 * A batch of attempts in one statement: the attempt rows, each delivery moved on from the attempt
 * count it was sent at (so a repeated write changes nothing), and, on the fast path, a success
 * clears its endpoint's failing_since. Returns the deliveries that moved; one that did not was
 * cancelled while its attempt was in flight (see countCancelledAttempts), or was written before.
 * One fixed text, prepared once per connection; on its own it is its own transaction.
 */
export function writeAttempts(sql: Sql, path: DeliveryPath, writes: readonly AttemptWrite[]) {
  return sql<{ id: string; endpoint_id: string }[]>`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) as v(
        "attemptId" text, "deliveryId" text, "tenantId" text, "endpointId" text, "sentAtCount" int,
        "startedAt" timestamptz, "durationMs" int, url text, "requestHeaders" jsonb, "responseStatus" int,
        "responseHeaders" jsonb, "responseBody" text, outcome text, error text, hint text,
        status text, retry boolean, "nextAttemptAt" timestamptz)),
    attempts as (
      insert into delivery_attempts (id, delivery_id, tenant_id, attempt_number, path, started_at, duration_ms, url,
                                     request_headers, response_status, response_headers, response_body, outcome, error, hint)
      select v."attemptId", v."deliveryId", v."tenantId", v."sentAtCount" + 1, ${path}::delivery_path, v."startedAt",
             v."durationMs", v.url, v."requestHeaders", v."responseStatus", v."responseHeaders", v."responseBody",
             v.outcome::attempt_outcome, v.error, v.hint
        from v
      on conflict do nothing),
    moved as (
      update deliveries d
         set attempt_count = v."sentAtCount" + 1,
             status = v.status::delivery_status,
             completed_at = case when v.retry then null else now() end,
             next_attempt_at = coalesce(v."nextAttemptAt", d.next_attempt_at),
             handler = case when v.retry then 'WORKFLOW'::delivery_handler else d.handler end,
             -- A retry leaving the fast path still has to reach its workflow; one already there does not.
             handed_off = case when v.retry then ${path === 'DURABLE'} else d.handed_off end,
             lease_owner = null,
             lease_expires_at = null
        from v
       where d.id = v."deliveryId" and d.status = 'PENDING' and d.attempt_count = v."sentAtCount"
      returning d.id, d.endpoint_id, v.status),
    -- One success clears failing_since (on the durable path, after recovery has read it: endpoint-outcomes.ts).
    cleared as (
      update endpoints e set failing_since = null
       where ${path === 'FAST'}
         and e.id = any(array(select distinct m.endpoint_id from moved m where m.status = 'SUCCEEDED'))
         and e.failing_since is not null)
    select id, endpoint_id from moved`;
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
