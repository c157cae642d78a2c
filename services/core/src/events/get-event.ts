import { events } from '@acme/schema/db';
import { and, inArray } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { eventVisibleTo } from './event-scope.ts';

/** One event the caller may read, or null: another tenant's id reads exactly like an unknown one. */
export async function getEvent(db: Db, caller: TenantCaller, id: string) {
  const [row] = await getEvents(db, caller, [id]);
  return row ?? null;
}

/** Several at once (a page of deliveries names their events), in no particular order. */
export function getEvents(db: Db, caller: TenantCaller, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(events)
      .where(and(eventVisibleTo(caller), inArray(events.id, [...ids]))),
  );
}
