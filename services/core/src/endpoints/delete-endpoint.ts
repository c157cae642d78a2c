import { endpoints, tenants } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { NotFoundError } from '../errors.ts';
import { cancelPendingDeliveries } from './endpoint-lifecycle.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';

/** Deletes an endpoint: its pending deliveries are CANCELLED, its delivery history is kept. */
export async function deleteEndpoint(db: Db, caller: TenantCaller, id: string): Promise<boolean> {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [deleted] = await tx
      .update(endpoints)
      .set({ deletedAt: sql`now()`, status: 'DISABLED', disabledReason: 'Deleted.', updatedAt: sql`now()` })
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, id)))
      .returning({ id: endpoints.id });
    if (!deleted) throw new NotFoundError(`No endpoint ${id}.`);
    await cancelPendingDeliveries(tx, id, 'ENDPOINT_DELETED');
    // Operational events have nowhere to go any more.
    await tx
      .update(tenants)
      .set({ operationalEndpointId: null })
      .where(and(eq(tenants.id, caller.tenantId), eq(tenants.operationalEndpointId, id)));
    await recordAudit(tx, caller, 'deleteEndpoint', id);
    return true;
  });
}
