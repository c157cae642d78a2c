import { eventTypes } from '@acme/schema/db';
import { and, asc, eq } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';

/** The tenant's event types by name; archived ones only when asked. */
export function listEventTypes(db: Db, caller: TenantCaller, options: { includeArchived?: boolean | null } = {}) {
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(eventTypes)
      .where(and(eq(eventTypes.tenantId, caller.tenantId), options.includeArchived ? undefined : eq(eventTypes.archived, false)))
      .orderBy(asc(eventTypes.name)),
  );
}

export async function getEventType(db: Db, caller: TenantCaller, name: string) {
  const [row] = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(eventTypes)
      .where(and(eq(eventTypes.tenantId, caller.tenantId), eq(eventTypes.name, name))),
  );
  return row ?? null;
}
