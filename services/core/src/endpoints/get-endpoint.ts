import { endpoints } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export async function getEndpoint(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.tenantId, tenantId), eq(endpoints.id, id)));
  return row ?? null;
}
