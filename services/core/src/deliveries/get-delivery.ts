import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { InvalidInputError } from '../errors.ts';
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

/** The most items a nested list (an event's deliveries, a delivery's attempts) answers at once. */
export const MAX_NESTED_LIST = 100;
export const DEFAULT_NESTED_LIST = 50;

/** A slice of a nested list: at most `first` items after the one `after` names. */
export interface NestedSlice {
  first: number;
  after: string | null;
}

/** `first` and `after` as a client sent them, checked: the same for every nested list. */
export function nestedSlice(args: { first?: number | null; after?: string | null }): NestedSlice {
  const first = args.first ?? DEFAULT_NESTED_LIST;
  if (!Number.isInteger(first) || first < 1 || first > MAX_NESTED_LIST)
    throw new InvalidInputError(`first must be between 1 and ${MAX_NESTED_LIST}.`, { field: 'first', limit: MAX_NESTED_LIST });
  return { first, after: args.after || null };
}

/**
 * The deliveries of several events at once, oldest first (Event.deliveries for a page of events):
 * for each event at most `slice.first`, after the delivery id `slice.after`.
 */
export function deliveriesOfEvents(
  db: Db,
  caller: TenantCaller,
  eventIds: readonly string[],
  slice: NestedSlice = nestedSlice({}),
) {
  if (eventIds.length === 0) return Promise.resolve([]);
  return inTenant(db, caller.tenantId, async (tx) => {
    const ranked = tx
      .select({
        id: deliveries.id,
        rank: sql<number>`row_number() over (partition by ${deliveries.eventId} order by ${deliveries.id})`.as('rank'),
      })
      .from(deliveries)
      .where(
        and(
          deliveryVisibleTo(caller),
          inArray(deliveries.eventId, [...eventIds]),
          slice.after ? gt(deliveries.id, slice.after) : undefined,
        ),
      )
      .as('ranked');
    return tx
      .select({ delivery: deliveries })
      .from(ranked)
      .innerJoin(deliveries, eq(deliveries.id, ranked.id))
      .where(lte(ranked.rank, slice.first))
      .orderBy(asc(deliveries.id))
      .then((rows) => rows.map((r) => r.delivery));
  });
}

/**
 * The attempts of several deliveries at once, in attempt order: for each delivery at most
 * `slice.first`, after attempt number `slice.after`.
 */
export function attemptsOfDeliveries(
  db: Db,
  caller: TenantCaller,
  deliveryIds: readonly string[],
  slice: NestedSlice = nestedSlice({}),
) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  const after = slice.after === null ? null : Number(slice.after);
  if (after !== null && !(Number.isInteger(after) && after >= 0))
    throw new InvalidInputError('after is the attemptNumber of the last attempt you have.', { field: 'after' });
  return inTenant(db, caller.tenantId, async (tx) => {
    const ranked = tx
      .select({
        id: deliveryAttempts.id,
        rank: sql<number>`row_number() over (partition by ${deliveryAttempts.deliveryId} order by ${deliveryAttempts.attemptNumber})`.as(
          'rank',
        ),
      })
      .from(deliveryAttempts)
      .where(
        and(
          attemptVisibleTo(tx, caller),
          inArray(deliveryAttempts.deliveryId, [...deliveryIds]),
          after === null ? undefined : gt(deliveryAttempts.attemptNumber, after),
        ),
      )
      .as('ranked');
    return tx
      .select({ attempt: deliveryAttempts })
      .from(ranked)
      .innerJoin(deliveryAttempts, eq(deliveryAttempts.id, ranked.id))
      .where(lte(ranked.rank, slice.first))
      .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attemptNumber))
      .then((rows) => rows.map((r) => r.attempt));
  });
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
