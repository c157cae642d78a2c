import { deliveries } from '@acme/schema/db';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

export interface DeliveryFilter {
  status?: 'PENDING' | 'SUCCEEDED' | 'DEAD_LETTERED' | 'CANCELLED' | null;
  endpointId?: string | null;
  eventId?: string | null;
  /** Created at or after. */
  since?: Date | null;
  /** Created before. */
  until?: Date | null;
}

/** The deliveries the caller may see, newest first. */
export async function listDeliveries(db: Db, caller: TenantCaller, args: PageArgs & { filter?: DeliveryFilter | null }) {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(
        and(
          deliveryVisibleTo(caller),
          f.status ? eq(deliveries.status, f.status) : undefined,
          f.endpointId ? eq(deliveries.endpointId, f.endpointId) : undefined,
          f.eventId ? eq(deliveries.eventId, f.eventId) : undefined,
          f.since ? gte(deliveries.createdAt, f.since) : undefined,
          f.until ? lt(deliveries.createdAt, f.until) : undefined,
          afterId ? lt(deliveries.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(deliveries.id))
      .limit(limit + 1),
  );
  return toPage(rows, limit);
}
