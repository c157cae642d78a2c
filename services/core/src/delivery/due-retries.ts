import type postgres from 'postgres';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';

/** The endpoint's retries that are due now, oldest first. Only the endpoint's workflow calls this. */
export async function loadDueRetries(sql: postgres.Sql, endpointId: string, limit: number): Promise<DueDelivery[]> {
  const rows = await sql<DueRow[]>`
    select ${dueDeliveryColumns(sql)}
      from deliveries d ${dueDeliveryJoins(sql)}
     where d.endpoint_id = ${endpointId} and d.status = 'PENDING' and d.handler = 'WORKFLOW'
       and d.next_attempt_at <= now() and ep.status = 'ACTIVE' and t.status = 'ACTIVE'
     order by d.next_attempt_at
     limit ${limit}`;
  return rows.map(toDueDelivery);
}
