import { endpoints } from '@acme/schema/db';
import { and, desc, eq, ilike, lt, or, sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { likePattern } from '../pagination/like-pattern.ts';
import { type CountedPage, lazyTotalCount } from '../pagination/total-count.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';

export interface EndpointFilter {
  status?: 'ACTIVE' | 'PAUSED' | 'DISABLED' | null;
  health?: 'HEALTHY' | 'RECOVERING' | null;
  /** Endpoints that receive this type, including those that receive every type. */
  eventType?: string | null;
  consumerId?: string | null;
  /** In the URL or description, case-insensitively. */
  search?: string | null;
}

/** The endpoints the caller may see, newest first; counted exactly (a tenant has a handful, not millions). */
export async function listEndpoints(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & { filter?: EndpointFilter | null },
): Promise<CountedPage<typeof endpoints.$inferSelect>> {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const matching = () =>
    and(
      endpointVisibleTo(caller),
      f.status ? eq(endpoints.status, f.status) : undefined,
      f.health ? eq(endpoints.health, f.health) : undefined,
      f.eventType ? sql`(cardinality(${endpoints.eventTypes}) = 0 or ${f.eventType} = any(${endpoints.eventTypes}))` : undefined,
      f.consumerId ? eq(endpoints.consumerId, f.consumerId) : undefined,
      f.search ? or(ilike(endpoints.url, likePattern(f.search)), ilike(endpoints.description, likePattern(f.search))) : undefined,
    );
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(endpoints)
      .where(and(matching(), afterId ? lt(endpoints.id, afterId) : undefined))
      .orderBy(desc(endpoints.id))
      .limit(limit + 1),
  );
  return { ...toPage(rows, limit), totalCount: lazyTotalCount(db, caller.tenantId, endpoints, matching) };
}
