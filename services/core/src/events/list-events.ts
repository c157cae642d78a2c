import { events } from '@acme/schema/db';
import { and, desc, eq, gte, lt, or } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { COUNT_CAP, type CountedPage, lazyTotalCount } from '../pagination/total-count.ts';
import { eventVisibleTo } from './event-scope.ts';

export interface EventFilter {
  eventType?: string | null;
  consumerId?: string | null;
  /** Published at or after. */
  since?: Date | null;
  /** Published before. */
  until?: Date | null;
  /** The event's id or its idempotency key, whole: both are indexed, a substring would scan. */
  search?: string | null;
}

/** The events the caller may read, newest first. */
export async function listEvents(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & { filter?: EventFilter | null },
): Promise<CountedPage<typeof events.$inferSelect>> {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const search = f.search?.trim();
  const matching = () =>
    and(
      eventVisibleTo(caller),
      f.eventType ? eq(events.eventType, f.eventType) : undefined,
      f.consumerId ? eq(events.consumerId, f.consumerId) : undefined,
      f.since ? gte(events.createdAt, f.since) : undefined,
      f.until ? lt(events.createdAt, f.until) : undefined,
      search ? or(eq(events.id, search), eq(events.idempotencyKey, search)) : undefined,
    );
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(events)
      .where(and(matching(), afterId ? lt(events.id, afterId) : undefined))
      .orderBy(desc(events.id))
      .limit(limit + 1),
  );
  return { ...toPage(rows, limit), totalCount: lazyTotalCount(db, caller.tenantId, events, matching, { cap: COUNT_CAP }) };
}
