import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, inArray } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { DbOrTx } from '../db/client.ts';

/** The deliveries a caller may see or act on: its tenant's; for a portal session, those to its consumer's endpoints. */
export function deliveryVisibleTo(tx: DbOrTx, caller: TenantCaller) {
  return and(
    eq(deliveries.tenantId, caller.tenantId),
    caller.consumerId === null
      ? undefined
      : inArray(
          deliveries.endpointId,
          tx
            .select({ id: endpoints.id })
            .from(endpoints)
            .where(and(eq(endpoints.tenantId, caller.tenantId), eq(endpoints.consumerId, caller.consumerId))),
        ),
  );
}
