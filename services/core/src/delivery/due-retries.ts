import type postgres from 'postgres';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';

/** Milliseconds until the endpoint's earliest pending retry (0 when one is due), or null when none is left. */
export async function nextRetryDelay(sql: postgres.Sql, endpointId: string): Promise<number | null> {
  // Not greatest(0, …) over the aggregate: greatest ignores nulls, and would turn "none left" into "due now".
  const [row] = await sql<{ delay_ms: number | null }[]>`
    select (extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as delay_ms
      from deliveries
     where endpoint_id = ${endpointId} and status = 'PENDING' and handler = 'WORKFLOW'`;
  return row?.delay_ms == null ? null : Math.max(0, Math.ceil(row.delay_ms));
}

/** The endpoint's retries that are due now, oldest first. Only the endpoint's workflow calls this. */
export async function loadDueRetries(sql: postgres.Sql, endpointId: string, limit: number): Promise<DueDelivery[]> {
  const rows = await sql<DueRow[]>`
    select ${dueDeliveryColumns(sql)}
      from deliveries d ${dueDeliveryJoins(sql)}
     where d.endpoint_id = ${endpointId} and d.status = 'PENDING' and d.handler = 'WORKFLOW'
       and d.next_attempt_at <= now()
     order by d.next_attempt_at
     limit ${limit}`;
  return rows.map(toDueDelivery);
}
