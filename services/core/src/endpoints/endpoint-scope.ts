import { endpoints } from '@acme/schema/db';
import { type AnyColumn, and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';

/** The endpoints a caller may see or change: its tenant's, not deleted, and its consumer's for a portal session. */
export function endpointVisibleTo(caller: TenantCaller, options: { includeDeleted?: boolean } = {}) {
  return and(
    eq(endpoints.tenantId, caller.tenantId),
    options.includeDeleted ? undefined : isNull(endpoints.deletedAt),
    caller.consumerId !== null ? eq(endpoints.consumerId, caller.consumerId) : undefined,
  );
}

/**
 * For a portal session, "`endpointId` is one of its consumer's endpoints" (deleted ones included:
 * their history stays readable); nothing for a tenant-wide caller. The one statement of that rule,
 * for the query builder and raw SQL alike (pass sql`d.endpoint_id` there).
 */
export function endpointOfCallersConsumer(endpointId: AnyColumn | SQL, caller: TenantCaller): SQL | undefined {
  if (caller.consumerId === null) return undefined;
  return sql`${endpointId} in (select ${endpoints.id} from ${endpoints}
    where ${endpoints.tenantId} = ${caller.tenantId} and ${endpoints.consumerId} = ${caller.consumerId})`;
}
