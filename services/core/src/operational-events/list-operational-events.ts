import { operationalEvents } from '@acme/schema/db';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { endpointOfCallersConsumer } from '../endpoints/endpoint-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';

export interface OperationalEventFilter {
  type?: 'ENDPOINT_DISABLED' | 'ENDPOINT_RECOVERED' | 'DELIVERY_DEAD_LETTERED' | null;
  endpointId?: string | null;
  since?: Date | null;
}

/** What the gateway did on its own, newest first; a portal session sees only its consumer's endpoints' events. */
export async function listOperationalEvents(
  db: Db,
  caller: TenantCaller,
  args: PageArgs & { filter?: OperationalEventFilter | null },
) {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(operationalEvents)
      .where(
        and(
          eq(operationalEvents.tenantId, caller.tenantId),
          endpointOfCallersConsumer(operationalEvents.endpointId, caller),
          f.type ? eq(operationalEvents.type, f.type) : undefined,
          f.endpointId ? eq(operationalEvents.endpointId, f.endpointId) : undefined,
          f.since ? gte(operationalEvents.createdAt, f.since) : undefined,
          afterId ? lt(operationalEvents.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(operationalEvents.id))
      .limit(limit + 1),
  );
  return toPage(rows, limit);
}
