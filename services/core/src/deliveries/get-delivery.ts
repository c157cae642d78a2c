import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/** One delivery of the tenant's, or null: another tenant's id reads exactly like an unknown one. */
export async function getDelivery(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id)));
  return row ?? null;
}

export async function listDeliveryAttempts(db: Db, tenantId: string, deliveryId: string) {
  return db
    .select()
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.tenantId, tenantId), eq(deliveryAttempts.deliveryId, deliveryId)))
    .orderBy(asc(deliveryAttempts.attemptNumber));
}
