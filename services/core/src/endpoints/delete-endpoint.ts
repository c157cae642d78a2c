import { endpoints } from '@acme/schema/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { NotFoundError } from '../errors.ts';
import { cancelPendingDeliveries } from './endpoint-lifecycle.ts';

/** Deletes an endpoint: its pending deliveries are CANCELLED, its delivery history is kept. */
export async function deleteEndpoint(db: Db, tenantId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [deleted] = await tx
      .update(endpoints)
      .set({ deletedAt: sql`now()`, status: 'DISABLED', disabledReason: 'Deleted.', updatedAt: sql`now()` })
      .where(and(eq(endpoints.tenantId, tenantId), eq(endpoints.id, id), isNull(endpoints.deletedAt)))
      .returning({ id: endpoints.id });
    if (!deleted) throw new NotFoundError(`No endpoint ${id}.`);
    await cancelPendingDeliveries(tx, id);
    return true;
  });
}
