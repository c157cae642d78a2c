import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { endpointVisibleTo } from '../endpoints/endpoint-scope.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

/**
 * Skips the wait: a pending retry of the delivery becomes due now. Its workflow must then be woken;
 * marked not handed off until it is, so that the sweep wakes it should the caller's signal fail.
 */
export async function retryDeliveryNow(db: Db, caller: TenantCaller, id: string) {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [row] = await tx
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()`, handedOff: false })
      .where(
        and(
          deliveryVisibleTo(caller),
          eq(deliveries.id, id),
          eq(deliveries.status, 'PENDING'),
          eq(deliveries.handler, 'WORKFLOW'),
        ),
      )
      .returning();
    if (row) {
      await recordAudit(tx, caller, 'retryDeliveryNow', id);
      return row;
    }
    const [exists] = await tx
      .select({ status: deliveries.status })
      .from(deliveries)
      .where(and(deliveryVisibleTo(caller), eq(deliveries.id, id)));
    if (!exists) throw new NotFoundError(`No delivery ${id}.`);
    throw new ConflictError(
      exists.status === 'PENDING'
        ? 'This delivery has no retry waiting: its first attempt is on its way.'
        : 'This delivery is finished; replay it instead.',
    );
  });
}

/** Every waiting retry of the endpoint becomes due now. */
export async function retryEndpointNow(db: Db, caller: TenantCaller, endpointId: string) {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [endpoint] = await tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, endpointId)));
    if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
    const due = await tx
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()`, handedOff: false })
      .where(
        and(
          eq(deliveries.tenantId, caller.tenantId),
          eq(deliveries.endpointId, endpointId),
          eq(deliveries.status, 'PENDING'),
          eq(deliveries.handler, 'WORKFLOW'),
        ),
      )
      .returning({ id: deliveries.id, endpointId: deliveries.endpointId });
    await recordAudit(tx, caller, 'retryEndpointNow', endpointId, { count: due.length });
    return due;
  });
}
