import { apiKeys } from '@acme/schema/db';
import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import { apiKeyColumns } from './api-key-columns.ts';

/** The tenant's keys and portal sessions, newest first; revoked and expired ones only when asked. */
export async function listApiKeys(db: Db, caller: TenantCaller, args: PageArgs & { includeRevoked?: boolean | null }) {
  const { limit, afterId } = pageWindow(args);
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select(apiKeyColumns)
      .from(apiKeys)
      .where(
        and(
          eq(apiKeys.tenantId, caller.tenantId),
          args.includeRevoked
            ? undefined
            : and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`))),
          afterId ? lt(apiKeys.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(apiKeys.id))
      .limit(limit + 1),
  );
  return toPage(rows, limit);
}

/** The calling key itself (for viewer), or null. */
export async function getApiKey(db: Db, caller: TenantCaller, id: string) {
  const [row] = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select(apiKeyColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, caller.tenantId), eq(apiKeys.id, id))),
  );
  return row ?? null;
}

/** Keys by id in one query, revoked and expired ones included (the audit log names the key that acted); others' ids find nothing. */
export async function getApiKeys(db: Db, caller: TenantCaller, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return inTenant(db, caller.tenantId, (tx) =>
    tx
      .select(apiKeyColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, caller.tenantId), inArray(apiKeys.id, [...ids]))),
  );
}
