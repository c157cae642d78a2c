import { tenants } from '@acme/schema/db';
import { and, desc, eq, ilike, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { likePattern } from '../pagination/like-pattern.ts';

export interface TenantFilter {
  status?: 'ACTIVE' | 'SUSPENDED' | null;
  search?: string | null;
}

/** Operator: every tenant, newest first. */
export async function listTenants(db: Db, args: PageArgs & { filter?: TenantFilter | null }) {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const rows = await db
    .select()
    .from(tenants)
    .where(
      and(
        f.status ? eq(tenants.status, f.status) : undefined,
        f.search ? ilike(tenants.name, likePattern(f.search)) : undefined,
        afterId ? lt(tenants.id, afterId) : undefined,
      ),
    )
    .orderBy(desc(tenants.id))
    .limit(limit + 1);
  return toPage(rows, limit);
}

/** Operator: one tenant, or null. */
export async function getTenant(db: Db, id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row ?? null;
}
