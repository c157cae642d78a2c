import { type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import type { Page } from './cursor.ts';

export interface TotalCount {
  count: number;
  /** False when counting stopped at the cap: more rows match than `count`. */
  exact: boolean;
}

/** A page of a list, and how many rows match its filter across every page, counted only if asked. */
export type CountedPage<T> = Page<T> & { totalCount: () => Promise<TotalCount> };

/**
 * Lists that grow with traffic (events, deliveries) stop counting here: counting a tenant's
 * millions of deliveries would read all of them for a number no one reads exactly.
 */
export const COUNT_CAP = 10_000;

/**
 * Counts the rows of `table` matching `where` (built when the count runs), at most
 * `cap + 1` of them when capped. The count runs on the first call only and is shared afterwards.
 */
export function lazyTotalCount(
  db: Db,
  tenantId: string,
  table: PgTable,
  where: () => SQL | undefined,
  options: { cap?: number } = {},
): () => Promise<TotalCount> {
  let counted: Promise<TotalCount> | undefined;
  const count = () =>
    inTenant(db, tenantId, async (tx) => {
      const { cap } = options;
      if (cap === undefined) {
        const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(table).where(where());
        return { count: row?.n ?? 0, exact: true };
      }
      // The limit makes the database stop reading at cap + 1 matches.
      const matching = tx
        .select({ one: sql`1`.as('one') })
        .from(table)
        .where(where())
        .limit(cap + 1)
        .as('matching');
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(matching);
      const n = row?.n ?? 0;
      return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
    });
  return () => {
    counted ??= count();
    return counted;
  };
}
