import { deliveries } from '@acme/schema/db';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

/** The caller's dead letters, newest first, optionally of one endpoint and dead-lettered since a time. */
export async function listDeadLetters(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & { endpointId?: string | null; since?: Date | null },
) {
  const { limit, afterId } = pageWindow(args);
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(
        and(
          deliveryVisibleTo(caller),
          eq(deliveries.status, 'DEAD_LETTERED'),
          args.endpointId ? eq(deliveries.endpointId, args.endpointId) : undefined,
          args.since ? gte(deliveries.completedAt, args.since) : undefined,
          afterId ? lt(deliveries.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(deliveries.id))
      .limit(limit + 1),
  );
  return toPage(rows, limit);
}
