import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { DELIVERIES_CHANNEL } from '../events/publish-event.ts';

/** DISABLED with a reason a person can act on; every pending delivery of the endpoint is CANCELLED. */
export async function disableEndpoint(tx: DbOrTx, endpointId: string, reason: string): Promise<void> {
  await tx
    .update(endpoints)
    .set({ status: 'DISABLED', disabledReason: reason, health: 'HEALTHY', updatedAt: sql`now()` })
    .where(eq(endpoints.id, endpointId));
  await cancelPendingDeliveries(tx, endpointId);
}

export async function cancelPendingDeliveries(tx: DbOrTx, endpointId: string): Promise<void> {
  await tx
    .update(deliveries)
    .set({ status: 'CANCELLED', completedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.status, 'PENDING')));
}

/**
 * Back to ACTIVE after a pause: waiting first attempts go to the dispatchers (NOTIFY), and held
 * retries are marked for hand-off and returned, for the caller to wake the endpoint's workflow with
 * (the dispatchers' sweep does it otherwise).
 */
export async function resumeEndpoint(tx: DbOrTx, endpointId: string): Promise<{ id: string; endpointId: string }[]> {
  const held = await tx
    .update(deliveries)
    .set({ handedOff: false })
    .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.status, 'PENDING'), eq(deliveries.handler, 'WORKFLOW')))
    .returning({ id: deliveries.id, endpointId: deliveries.endpointId });
  await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, '')`);
  return held;
}
