import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

/** Skips the wait: a pending retry of the delivery becomes due now. Its workflow must then be woken. */
export async function retryDeliveryNow(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .update(deliveries)
    .set({ nextAttemptAt: sql`now()` })
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.id, id),
        eq(deliveries.status, 'PENDING'),
        eq(deliveries.handler, 'WORKFLOW'),
      ),
    )
    .returning();
  if (row) return row;
  const [exists] = await db
    .select({ status: deliveries.status })
    .from(deliveries)
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id)));
  if (!exists) throw new NotFoundError(`No delivery ${id}.`);
  throw new ConflictError(
    exists.status === 'PENDING'
      ? 'This delivery has no retry waiting: its first attempt is on its way.'
      : 'This delivery is finished; replay it instead.',
  );
}

/** Every waiting retry of the endpoint becomes due now. */
export async function retryEndpointNow(db: Db, tenantId: string, endpointId: string) {
  const [endpoint] = await db
    .select({ id: endpoints.id })
    .from(endpoints)
    .where(and(eq(endpoints.tenantId, tenantId), eq(endpoints.id, endpointId)));
  if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
  return db
    .update(deliveries)
    .set({ nextAttemptAt: sql`now()` })
    .where(and(eq(deliveries.endpointId, endpointId), eq(deliveries.status, 'PENDING'), eq(deliveries.handler, 'WORKFLOW')))
    .returning({ id: deliveries.id, endpointId: deliveries.endpointId });
}
