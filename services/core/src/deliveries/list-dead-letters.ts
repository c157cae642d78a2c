import { deliveries } from '@acme/schema/db';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';

/** The tenant's dead letters, newest first, optionally of one endpoint. */
export async function listDeadLetters(db: Db, tenantId: string, args: PageArgs & { endpointId?: string | null }) {
  const { limit, afterId } = pageWindow(args);
  const rows = await db
    .select()
    .from(deliveries)
    .where(
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.status, 'DEAD_LETTERED'),
        args.endpointId ? eq(deliveries.endpointId, args.endpointId) : undefined,
        afterId ? lt(deliveries.id, afterId) : undefined,
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(limit + 1);
  return toPage(rows, limit);
}
