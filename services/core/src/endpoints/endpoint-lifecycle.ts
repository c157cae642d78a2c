import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { requeueHeld } from '../delivery/held-deliveries.ts';
import { DELIVERIES_CHANNEL, endpointNotice } from '../events/wake-dispatchers.ts';

/**
 * DISABLED with a reason a person can act on; every pending delivery of the endpoint is CANCELLED.
 * Returns how many were cancelled, or null when the endpoint was already disabled.
 */
export async function disableEndpoint(tx: DbOrTx, endpointId: string, reason: string): Promise<number | null> {
  const [disabled] = await tx
    .update(endpoints)
    .set({ status: 'DISABLED', disabledReason: reason, health: 'HEALTHY', updatedAt: sql`now()` })
    .where(and(eq(endpoints.id, endpointId), sql`${endpoints.status} <> 'DISABLED'`))
    .returning({ id: endpoints.id });
  if (!disabled) return null;
  return cancelPendingDeliveries(tx, endpointId, 'ENDPOINT_DISABLED');
}

/** Disabled or deleted: every pending delivery is CANCELLED, and the endpoint's workflow is told to let go. */
export async function cancelPendingDeliveries(
  tx: DbOrTx,
  endpointId: string,
  reason: 'ENDPOINT_DISABLED' | 'ENDPOINT_DELETED',
): Promise<number> {
  const cancelled = await tx
    .update(deliveries)
    .set({ status: 'CANCELLED', cancelReason: reason, completedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.status, 'PENDING')))
    .returning({ id: deliveries.id });
  await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, ${endpointNotice('pause', endpointId)})`);
  return cancelled.length;
}

/**
 * Back to ACTIVE after a pause: waiting first attempts go to the dispatchers, and held retries are
 * marked for hand-off, which the dispatchers do at once (the NOTIFY names the endpoint), starting its
 * workflow again. They are also returned, for a caller that hands them over itself.
 */
export async function resumeEndpoint(tx: DbOrTx, endpointId: string): Promise<{ id: string; endpointId: string }[]> {
  const held = await requeueHeld(tx, { endpointIds: [endpointId] });
  await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, ${endpointNotice('resume', endpointId)})`);
  return held;
}

/** Paused: nothing more is sent (both paths check); the endpoint's workflow is told to let go now. */
export async function pauseEndpoint(tx: DbOrTx, endpointId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, ${endpointNotice('pause', endpointId)})`);
}
