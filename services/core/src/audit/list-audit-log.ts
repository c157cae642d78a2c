import { auditLog } from '@acme/schema/db';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { type PageArgs, pageWindow, toPage } from '../pagination/cursor.ts';
import type { AuditAction } from './audit-actions.ts';

export interface AuditLogFilter {
  action?: AuditAction | null;
  targetId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** Every change made in the tenant, newest first. */
export async function listAuditLog(db: Db, caller: TenantCaller, args: PageArgs & { filter?: AuditLogFilter | null }) {
  const { limit, afterId } = pageWindow(args);
  const f = args.filter ?? {};
  const rows = await inTenant(db, caller.tenantId, (tx) =>
    tx
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.tenantId, caller.tenantId),
          f.action ? eq(auditLog.action, f.action) : undefined,
          f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
          f.since ? gte(auditLog.createdAt, f.since) : undefined,
          f.until ? lt(auditLog.createdAt, f.until) : undefined,
          afterId ? lt(auditLog.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(auditLog.id))
      .limit(limit + 1),
  );
  return toPage(rows, limit);
}
