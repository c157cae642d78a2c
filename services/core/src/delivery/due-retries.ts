import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';
import { lockById } from './lock-by-id.ts';

/**
 * Not leased, its lease ran out, or leased by a round that has ended (`endedOwners`: rounds of this
 * process, which knows they are sending nothing more): no retry round is sending it.
 */
const free = (sql: postgres.Sql, endedOwners: readonly string[], alias = 'd') => {
  const d = sql(alias);
  return sql`(${d}.lease_expires_at is null or ${d}.lease_expires_at < now() or ${d}.lease_owner = any(${textArray(endedOwners)}::text[]))`;
};

/**
 * The endpoint's retries that are due now and that no other round is sending, oldest first. Only
 * the endpoint's workflow calls this; what it loads is leased chunk by chunk (leaseDueRetries).
 */
export async function loadDueRetries(
  sql: postgres.Sql,
  endpointId: string,
  limit: number,
  endedOwners: readonly string[] = [],
): Promise<DueDelivery[]> {
  const rows = await sql<DueRow[]>`
    select ${dueDeliveryColumns(sql)}
      from deliveries d ${dueDeliveryJoins(sql)}
     where d.endpoint_id = ${endpointId} and d.status = 'PENDING' and d.handler = 'WORKFLOW'
       and d.next_attempt_at <= now() and ${free(sql, endedOwners)} and ep.status = 'ACTIVE' and t.status = 'ACTIVE'
     order by d.next_attempt_at
     limit ${limit}`;
  return rows.map(toDueDelivery);
}

/**
 * Takes the lease on retries about to be sent, as the dispatcher's claim does for first attempts,
 * and returns the ids it got. A round that Temporal timed out and retried may still be running
 * (a frozen or partitioned worker): its leased rows are skipped, not sent twice. Recording an
 * attempt clears the lease; a round that dies leaves it to run out after `leaseMs`, unless it ended
 * in this process (a failed recording: the database went away), whose next round takes it over at once.
 */
export async function leaseDueRetries(
  sql: postgres.Sql,
  ids: readonly string[],
  owner: string,
  leaseMs: number,
  endedOwners: readonly string[] = [],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const leased = await leaseStatement(sql, ids, owner, leaseMs, endedOwners);
  return new Set(leased.map((r) => r.id));
}

/** leaseDueRetries' statement, not yet run (its plan is tested: due-retries.test.ts). */
export function leaseStatement(
  sql: postgres.Sql,
  ids: readonly string[],
  owner: string,
  leaseMs: number,
  endedOwners: readonly string[] = [],
) {
  // Locked by id alone, then checked (see lockById): with the conditions in the locking WHERE, the plan
  // scanned the whole workflow index, every endpoint's pending retries, for the chunk's ids.
  return sql<{ id: string }[]>`
    with locked as materialized (
      ${lockById(sql, sql`h.next_attempt_at, h.lease_owner, h.lease_expires_at`, sql`select unnest(${textArray(ids)}::text[])`)})
    update deliveries d
       set lease_owner = ${owner}, lease_expires_at = now() + ${leaseMs} * interval '1 millisecond'
      from locked k
     where d.id = k.id and k.status = 'PENDING' and k.handler = 'WORKFLOW'
       and k.next_attempt_at <= now() and ${free(sql, endedOwners, 'k')}
    returning d.id`;
}
