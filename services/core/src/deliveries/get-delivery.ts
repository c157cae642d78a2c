import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';

/** One delivery the caller may see, or null: another tenant's id reads exactly like an unknown one. */
export async function getDelivery(db: Db, caller: TenantCaller, id: string) {
  const [row] = await getDeliveries(db, caller, [id]);
  return row ?? null;
}

export function getDeliveries(db: Db, caller: TenantCaller, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(and(deliveryVisibleTo(caller), inArray(deliveries.id, [...ids]))),
  );
}

/** The deliveries of several events at once, oldest first (Event.deliveries for a page of events). */
export function deliveriesOfEvents(db: Db, caller: TenantCaller, eventIds: readonly string[]) {
  if (eventIds.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveries)
      .where(and(deliveryVisibleTo(caller), inArray(deliveries.eventId, [...eventIds])))
      .orderBy(asc(deliveries.id)),
  );
}

/** The attempts of several deliveries at once, in attempt order. */
export function attemptsOfDeliveries(db: Db, caller: TenantCaller, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(deliveryAttempts)
      .where(and(attemptVisibleTo(tx, caller), inArray(deliveryAttempts.deliveryId, [...deliveryIds])))
      .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attemptNumber)),
  );
}

/** The latest attempt of each delivery given. */
export function lastAttemptsOf(db: Db, caller: TenantCaller, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .selectDistinctOn([deliveryAttempts.deliveryId])
      .from(deliveryAttempts)
      .where(and(attemptVisibleTo(tx, caller), inArray(deliveryAttempts.deliveryId, [...deliveryIds])))
      .orderBy(deliveryAttempts.deliveryId, desc(deliveryAttempts.attemptNumber)),
  );
}

/** Attempts follow their delivery's visibility. */
function attemptVisibleTo(tx: DbOrTx, caller: TenantCaller) {
  return and(
    eq(deliveryAttempts.tenantId, caller.tenantId),
    caller.consumerId === null
      ? undefined
      : inArray(deliveryAttempts.deliveryId, tx.select({ id: deliveries.id }).from(deliveries).where(deliveryVisibleTo(caller))),
  );
}
