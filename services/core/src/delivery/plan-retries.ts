import type postgres from 'postgres';
import { DELIVERIES_CHANNEL } from '../events/wake-dispatchers.ts';
import { msUntilToken } from './rate-limit.ts';

/** How soon to look again for a probe while the endpoint's first attempts are all claimed. */
const LEASED_PROBE_RECHECK_MS = 5000;

/**
 * The endpoint workflow's question each round: how long until something may be sent? Milliseconds
 * (0 = now), or null when the workflow may end.
 *
 * Scheduled retries come first, no sooner than the endpoint's rate limit allows. With none left
 * while the endpoint is still RECOVERING (its last retries dead-lettered without a success), the
 * oldest waiting first attempt becomes the next probe. With nothing at all left, the endpoint is
 * HEALTHY again.
 */
export async function planRetries(sql: postgres.Sql, endpointId: string): Promise<number | null> {
  return sql.begin(async (tx) => {
    const [endpoint] = await tx<{ sending: boolean; health: string; token_wait_ms: number }[]>`
      select (e.status = 'ACTIVE' and e.deleted_at is null and t.status = 'ACTIVE') as sending, e.health,
             ${msUntilToken(tx, 'e')} as token_wait_ms
        from endpoints e join tenants t on t.id = e.tenant_id
       where e.id = ${endpointId}
         -- Not FOR UPDATE: that would also stop every publish to this endpoint (the deliveries'
         -- foreign key takes KEY SHARE) for as long as this transaction runs.
         for no key update of e`;
    if (!endpoint) return null;
    if (!endpoint.sending) {
      await holdRetries(tx, endpointId, endpoint.health);
      return null;
    }

    // Not greatest(0, …) over the aggregate: greatest ignores nulls, and would turn "none left" into "due now".
    const [next] = await tx<{ delay_ms: number | null }[]>`
      -- A retry another round holds the lease on is due for this one only if that lease runs out.
      select (extract(epoch from (min(greatest(next_attempt_at, lease_expires_at)) - now())) * 1000)::float8 as delay_ms
        from deliveries
       where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'WORKFLOW'`;
    if (next?.delay_ms != null) return Math.max(0, Math.ceil(next.delay_ms), endpoint.token_wait_ms);

    if (endpoint.health !== 'RECOVERING') return null;
    const probe = await adoptProbe(tx, endpointId, true);
    if (probe) return endpoint.token_wait_ms;
    // None free, but some still claimed by a dispatcher (sent before the recovery began): look again
    // once they are written, or their lease runs out, rather than call the endpoint healthy.
    const [claimed] = await tx<{ wait_ms: number | null }[]>`
      select (extract(epoch from (min(lease_expires_at) - now())) * 1000)::float8 as wait_ms from deliveries
       where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'DISPATCHER' and lease_expires_at >= now()`;
    if (claimed?.wait_ms != null) return Math.min(Math.max(0, Math.ceil(claimed.wait_ms)), LEASED_PROBE_RECHECK_MS);
    await tx`update endpoints set health = 'HEALTHY' where id = ${endpointId}`;
    // As releaseHeldDeliveries: a first attempt the probe skipped (locked) may have been held meanwhile.
    // Released ones go to the dispatchers at once (NOTIFY, as markRecovered), not at their next poll.
    const released =
      await tx`update deliveries set held = false where status = 'PENDING' and held and endpoint_id = ${endpointId}`;
    if (released.count > 0) await tx`select pg_notify(${DELIVERIES_CHANNEL}, '')`;
    return null;
  });
}

/**
 * Paused, disabled, deleted, or its tenant suspended: nothing is sent and the workflow ends. Its
 * retries wait in Postgres marked "not handed off"; the dispatchers' sweep hands them to a new
 * workflow once the endpoint and its tenant are active again. A recovery between probes keeps its
 * next probe the same way, so that the endpoint is not left in recovery with nobody to probe it.
 */
async function holdRetries(tx: postgres.TransactionSql, endpointId: string, health: string): Promise<void> {
  const held = await tx`
    update deliveries set handed_off = false
     where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'WORKFLOW'
    returning id`;
  if (held.length > 0 || health !== 'RECOVERING') return;
  await adoptProbe(tx, endpointId, false);
}

/**
 * The endpoint's oldest waiting first attempt becomes its workflow's next probe. Never one a live
 * dispatcher has claimed (its lease runs): that one is being sent right now, and its result decides.
 * One whose lease ran out is taken, and its lease cleared, so that a late write of the old claim
 * counts as an attempt but decides nothing (write-attempts.ts).
 */
async function adoptProbe(tx: postgres.TransactionSql, endpointId: string, handedOff: boolean): Promise<boolean> {
  const probe = await tx`
    update deliveries set handler = 'WORKFLOW', handed_off = ${handedOff}, next_attempt_at = now(),
                          lease_owner = null, lease_expires_at = null
     where id = (select id from deliveries
                  where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'DISPATCHER'
                    and (lease_expires_at is null or lease_expires_at < now())
                  order by next_attempt_at limit 1 for update skip locked)
    returning id`;
  return probe.length > 0;
}
