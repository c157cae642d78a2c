import { deliveries } from '@acme/schema/db';
import { inArray } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Db } from '../db/client.ts';

/**
 * Retries that have not reached their endpoint's workflow yet: Temporal was down, the process
 * died between recording and signalling, or a resume or replay left them for the sweep.
 */
export async function deliveriesAwaitingHandoff(sql: postgres.Sql, limit: number) {
  const rows = await sql<{ id: string; endpoint_id: string }[]>`
    select id, endpoint_id from deliveries
     where status = 'PENDING' and handler = 'WORKFLOW' and not handed_off
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
