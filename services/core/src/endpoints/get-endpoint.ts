import { endpoints } from '@acme/schema/db';
import { and, inArray } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';

/** One endpoint the caller may see, or null. Deleted ones only with includeDeleted (a delivery's history still names them). */
export async function getEndpoint(db: Db, caller: TenantCaller, id: string, options: { includeDeleted?: boolean } = {}) {
  const [row] = await getEndpoints(db, caller, [id], options);
  return row ?? null;
}

/** Several at once (a page of deliveries names their endpoints), in no particular order. */
export function getEndpoints(db: Db, caller: TenantCaller, ids: readonly string[], options: { includeDeleted?: boolean } = {}) {
  if (ids.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(endpoints)
      .where(and(endpointVisibleTo(caller, options), inArray(endpoints.id, [...ids]))),
  );
}
