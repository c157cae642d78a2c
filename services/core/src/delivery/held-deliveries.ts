import { deliveries } from '@acme/schema/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { textArray } from '../db/text-array.ts';

/**
 * First attempts held back from the dispatchers go back to them: their endpoint may send again
 * (resumed, recovered, re-enabled) or their tenant was reactivated. Called in the transaction that
 * made that change, after the endpoint's (or tenant's) row was updated: that row lock is what a claim
 * marking rows held waits for (claim-first-attempts.ts), so no row is held after it was released.
 * Only rows that are still unsendable are held again, by the next claim that meets them.
 */
export async function releaseHeldDeliveries(
  tx: DbOrTx,
  scope: { endpointIds: readonly string[] } | { tenantId: string },
): Promise<void> {
  if ('endpointIds' in scope) {
    if (scope.endpointIds.length === 0) return;
    await tx.execute(sql`
      update deliveries set held = false
       where status = 'PENDING' and held and endpoint_id = any(${textArray(scope.endpointIds)}::text[])`);
    return;
  }
  await tx.execute(sql`
    update deliveries set held = false
     where status = 'PENDING' and held
       and endpoint_id = any(array(select id from endpoints where tenant_id = ${scope.tenantId}))`);
}

/**
 * Everything an endpoint (or a whole tenant) held back may go again: first attempts back to the
 * dispatchers, and retries marked for hand-off to their workflows, which the dispatchers' sweep (or a
 * NOTIFY the caller sends) starts. Returns the retries, for a caller that hands them over itself.
 */
export async function requeueHeld(
  tx: DbOrTx,
  scope: { endpointIds: readonly string[] } | { tenantId: string },
): Promise<{ id: string; endpointId: string }[]> {
  await releaseHeldDeliveries(tx, scope);
  return tx
    .update(deliveries)
    .set({ handedOff: false })
    .where(
      and(
        'endpointIds' in scope ? inArray(deliveries.endpointId, [...scope.endpointIds]) : eq(deliveries.tenantId, scope.tenantId),
        eq(deliveries.status, 'PENDING'),
        eq(deliveries.handler, 'WORKFLOW'),
      ),
    )
    .returning({ id: deliveries.id, endpointId: deliveries.endpointId });
}
