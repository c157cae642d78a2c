import { endpoints } from '@acme/schema/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';

/** The endpoints a caller may see or change: its tenant's, not deleted, and its consumer's for a portal session. */
export function endpointVisibleTo(caller: TenantCaller, options: { includeDeleted?: boolean } = {}) {
  return and(
    eq(endpoints.tenantId, caller.tenantId),
    options.includeDeleted ? undefined : isNull(endpoints.deletedAt),
    caller.consumerId !== null ? eq(endpoints.consumerId, caller.consumerId) : undefined,
  );
}
