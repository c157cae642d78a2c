import { deliveries } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import { endpointOfCallersConsumer } from '../endpoints/endpoint-scope.ts';

/** The deliveries a caller may see or act on: its tenant's; for a portal session, those to its consumer's endpoints. */
export function deliveryVisibleTo(caller: TenantCaller) {
  return and(eq(deliveries.tenantId, caller.tenantId), endpointOfCallersConsumer(deliveries.endpointId, caller));
}
