import { deliveries } from '@acme/schema/db';
import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { InvalidInputError } from '../errors.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { COUNT_CAP, type CountedPage, lazyTotalCount } from '../pagination/total-count.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

export interface DeliveryFilter {
  status?: 'PENDING' | 'SUCCEEDED' | 'DEAD_LETTERED' | 'CANCELLED' | null;
  endpointId?: string | null;
  eventId?: string | null;
  /** Created at or after. */
  since?: Date | null;
  /** Created before. */
  until?: Date | null;
  /** These deliveries only: one page's worth at most. */
  ids?: readonly string[] | null;
}

/** One page of ids: a client following more deliveries asks page by page. */
export const MAX_FILTER_IDS = 100;

/** The deliveries the caller may see, newest first. */
export async function listDeliveries(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & { filter?: DeliveryFilter | null },
): Promise<CountedPage<typeof deliveries.$inferSelect>> {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  if (f.ids && f.ids.length > MAX_FILTER_IDS)
    throw new InvalidInputError(`filter.ids takes at most ${MAX_FILTER_IDS} ids.`, { field: 'filter.ids' });
  const matching = () =>
    and(
      deliveryVisibleTo(caller),
      f.status ? eq(deliveries.status, f.status) : undefined,
      f.endpointId ? eq(deliveries.endpointId, f.endpointId) : undefined,
      f.eventId ? eq(deliveries.eventId, f.eventId) : undefined,
      f.since ? gte(deliveries.createdAt, f.since) : undefined,
      f.until ? lt(deliveries.createdAt, f.until) : undefined,
      f.ids ? inArray(deliveries.id, [...f.ids]) : undefined,
    );
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(and(matching(), afterId ? lt(deliveries.id, afterId) : undefined))
      .orderBy(desc(deliveries.id))
      .limit(limit + 1),
  );
  return { ...toPage(rows, limit), totalCount: lazyTotalCount(db, caller.tenantId, deliveries, matching, { cap: COUNT_CAP }) };
}
