import type postgres from 'postgres';
import { msUntilToken } from './rate-limit.ts';

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
         for update of e`;
    if (!endpoint) return null;
    if (!endpoint.sending) {
      await holdRetries(tx, endpointId, endpoint.health);
      return null;
    }

    // Not greatest(0, …) over the aggregate: greatest ignores nulls, and would turn "none left" into "due now".
    const [next] = await tx<{ delay_ms: number | null }[]>`
      select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as delay_ms
        from deliveries
       where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'WORKFLOW'`;
    if (next?.delay_ms != null) return Math.max(0, Math.ceil(next.delay_ms), endpoint.token_wait_ms);

    if (endpoint.health !== 'RECOVERING') return null;
    const probe = await tx`
      update deliveries set handler = 'WORKFLOW', handed_off = true, next_attempt_at = now()
       where id = (select id from deliveries
                    where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'DISPATCHER'
                    order by next_attempt_at limit 1 for update skip locked)
      returning id`;
    if (probe.length > 0) return endpoint.token_wait_ms;
    await tx`update endpoints set health = 'HEALTHY' where id = ${endpointId}`;
    // As releaseHeldDeliveries: a first attempt the probe skipped (locked) may have been held meanwhile.
    await tx`update deliveries set held = false where status = 'PENDING' and held and endpoint_id = ${endpointId}`;
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
  await tx`
    update deliveries set handler = 'WORKFLOW', handed_off = false, next_attempt_at = now()
     where id = (select id from deliveries
                  where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'DISPATCHER'
                  order by next_attempt_at limit 1 for update skip locked)`;
}
