import { apiKeys } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import { forgetAuthenticatedKeys } from '../auth/authenticate.ts';
import { operatorCaller, type Principal, requireTenant, type TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { NotFoundError } from '../errors.ts';
import { apiKeyColumns } from './api-key-columns.ts';

/** Revokes one of the tenant's keys (or portal sessions) at once; revoking twice keeps the first time. */
export async function revokeApiKey(db: Db, caller: TenantCaller, id: string) {
  const revoked = await inTenant(db, caller.tenantId, async (tx) => {
    const [apiKey] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.tenantId, caller.tenantId), eq(apiKeys.id, id)))
      .returning(apiKeyColumns);
    if (!apiKey) throw new NotFoundError(`No API key ${id}.`);
    await recordAudit(tx, caller, 'revokeApiKey', id);
    return apiKey;
  });
  forgetAuthenticatedKeys();
  return revoked;
}

/**
 * Revokes as whoever calls: the operator any tenant's key (recorded in that tenant's audit log), a
 * tenant's full-access key only its own tenant's.
 */
export async function revokeApiKeyAs(db: Db, principal: Principal | null, id: string) {
  return principal?.kind === 'operator' ? revokeAnyApiKey(db, id) : revokeApiKey(db, requireTenant(principal, 'manage'), id);
}

async function revokeAnyApiKey(db: Db, id: string) {
  const [key] = await db.select({ tenantId: apiKeys.tenantId }).from(apiKeys).where(eq(apiKeys.id, id));
  if (!key) throw new NotFoundError(`No API key ${id}.`);
  return revokeApiKey(db, operatorCaller(key.tenantId), id);
}
