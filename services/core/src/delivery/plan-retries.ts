import type postgres from 'postgres';

/**
 * The endpoint workflow's question each round: how long until something is due? Milliseconds
 * (0 = now), or null when the endpoint's trouble is over and the workflow may end.
 *
 * Scheduled retries come first. With none left while the endpoint is still RECOVERING (its last
 * retries dead-lettered without a success), the oldest waiting first attempt becomes the next
 * probe. With nothing at all left, the endpoint is HEALTHY again.
 */
export async function planRetries(sql: postgres.Sql, endpointId: string): Promise<number | null> {
  return sql.begin(async (tx) => {
    // Paused, disabled or deleted: nothing is sent. The retries stay in Postgres; resuming hands them back.
    const [endpoint] = await tx<{ status: string; health: string }[]>`
      select status, health from endpoints where id = ${endpointId} and deleted_at is null for update`;
    if (endpoint?.status !== 'ACTIVE') return null;

    // Not greatest(0, …) over the aggregate: greatest ignores nulls, and would turn "none left" into "due now".
    const [next] = await tx<{ delay_ms: number | null }[]>`
      select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as delay_ms
        from deliveries
       where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'WORKFLOW'`;
    if (next?.delay_ms != null) return Math.max(0, Math.ceil(next.delay_ms));

    if (endpoint.health !== 'RECOVERING') return null;
    const probe = await tx`
      update deliveries set handler = 'WORKFLOW', handed_off = true, next_attempt_at = now()
       where id = (select id from deliveries
                    where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'DISPATCHER'
                    order by next_attempt_at limit 1 for update skip locked)
      returning id`;
    if (probe.length > 0) return 0;
    await tx`update endpoints set health = 'HEALTHY' where id = ${endpointId}`;
    return null;
  });
}
