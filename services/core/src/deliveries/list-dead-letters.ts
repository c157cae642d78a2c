import { deliveries } from '@acme/schema/db';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { type CountedPage, lazyTotalCount } from '../pagination/total-count.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

export interface DeadLetterFilter {
  endpointId?: string | null;
  /** Dead-lettered at or after. */
  since?: Date | null;
  /** Dead-lettered before. */
  until?: Date | null;
}

/**
 * The caller's dead letters, newest first. Counted exactly, without a cap: the partial index of
 * dead letters holds nothing else, and a tenant deciding whether to replay needs the true number.
 */
export async function listDeadLetters(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & DeadLetterFilter,
): Promise<CountedPage<typeof deliveries.$inferSelect>> {
  const { limit, afterId } = pageWindow(args);
  const matching = () =>
    and(
      deliveryVisibleTo(caller),
      eq(deliveries.status, 'DEAD_LETTERED'),
      args.endpointId ? eq(deliveries.endpointId, args.endpointId) : undefined,
      args.since ? gte(deliveries.completedAt, args.since) : undefined,
      args.until ? lt(deliveries.completedAt, args.until) : undefined,
    );
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(and(matching(), afterId ? lt(deliveries.id, afterId) : undefined))
      .orderBy(desc(deliveries.id))
      .limit(limit + 1),
  );
  return { ...toPage(rows, limit), totalCount: lazyTotalCount(db, caller.tenantId, deliveries, matching) };
}
