import { endpoints } from '@acme/schema/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/** One endpoint of the tenant's, or null. Deleted ones only with includeDeleted (a delivery's history still names them). */
export async function getEndpoint(db: Db, tenantId: string, id: string, options: { includeDeleted?: boolean } = {}) {
  const [row] = await db
    .select()
    .from(endpoints)
    .where(
      and(
        eq(endpoints.tenantId, tenantId),
        eq(endpoints.id, id),
        options.includeDeleted ? undefined : isNull(endpoints.deletedAt),
      ),
    );
  return row ?? null;
}
