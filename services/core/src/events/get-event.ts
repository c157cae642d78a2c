import { events } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export async function getEvent(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.tenantId, tenantId), eq(events.id, id)));
  return row ?? null;
}
