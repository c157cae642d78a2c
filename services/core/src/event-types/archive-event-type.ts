import { eventTypes } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { NotFoundError } from '../errors.ts';

/** An archived type can no longer be published (nor newly subscribed to); its events and endpoint filters stay. */
export function archiveEventType(db: Db, caller: TenantCaller, name: string) {
  return setArchived(db, caller, name, true);
}

export function unarchiveEventType(db: Db, caller: TenantCaller, name: string) {
  return setArchived(db, caller, name, false);
}

async function setArchived(db: Db, caller: TenantCaller, name: string, archived: boolean) {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [row] = await tx
      .update(eventTypes)
      .set({ archived, updatedAt: sql`clock_timestamp()` })
      .where(and(eq(eventTypes.tenantId, caller.tenantId), eq(eventTypes.name, name)))
      .returning();
    if (!row) throw new NotFoundError(`No event type "${name}".`);
    await recordAudit(tx, caller, archived ? 'archiveEventType' : 'unarchiveEventType', row.id, { name });
    return row;
  });
}
