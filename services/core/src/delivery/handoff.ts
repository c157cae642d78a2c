import { deliveries } from '@acme/schema/db';
import { inArray } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db } from '../db/client.ts';

/**
 * Retries that have not reached their endpoint's workflow yet: Temporal was down, the process
 * died between recording and signalling, or a resume, a replay or a tenant's reactivation left them
 * for the sweep. Not while their endpoint is paused or their tenant suspended: they wait for that.
 */
export async function deliveriesAwaitingHandoff(sql: postgres.Sql, limit: number, endpointId?: string) {
  const rows = await sql<{ id: string; endpoint_id: string }[]>`
    select d.id, d.endpoint_id from deliveries d
      join endpoints ep on ep.id = d.endpoint_id
      join tenants t on t.id = d.tenant_id
     where d.status = 'PENDING' and d.handler = 'WORKFLOW' and not d.handed_off
       and ep.status = 'ACTIVE' and t.status = 'ACTIVE'
       ${endpointId ? sql`and d.endpoint_id = ${endpointId}` : sql``}
     limit ${limit}`;
  return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id }));
}

/**
 * Endpoints whose retries are handed off but overdue by `graceMs`: the workflow that had them is gone
 * (terminated, its history lost, or it ended in a race with a pause or suspension that left them
 * marked handed off). One retry of each, for the sweep to signal-with-start its workflow again; a
 * workflow that is only busy is merely woken, which is harmless. Per active endpoint, one probe of
 * the workflow index each, however many retries are overdue.
 */
export async function endpointsWithOverdueRetries(sql: postgres.Sql, graceMs: number, limit: number) {
  const rows = await sql<{ id: string; endpoint_id: string }[]>`
    select o.id, ep.id as endpoint_id from endpoints ep
      join tenants t on t.id = ep.tenant_id
     cross join lateral (
       select d.id from deliveries d
        where d.endpoint_id = ep.id and d.status = 'PENDING' and d.handler = 'WORKFLOW'
          and d.next_attempt_at < now() - ${graceMs} * interval '1 millisecond'
        limit 1) o
     where ep.status = 'ACTIVE' and ep.deleted_at is null and t.status = 'ACTIVE'
     limit ${limit}`;
  return rows.map((r) => ({ id: r.id, endpointId: r.endpoint_id }));
}

/**
 * After the endpoint's workflow was signalled: exactly these deliveries are its own. Marking by
 * id, not by endpoint, so a retry recorded after the signal is never marked without one.
 */
export async function markHandedOff(db: Db, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db
    .update(deliveries)
    .set({ handedOff: true })
    .where(inArray(deliveries.id, [...deliveryIds]));
}
