import { tenants } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';

/** The caller's own tenant. */
export async function getOwnTenant(db: Db, caller: TenantCaller) {
  const [row] = await inTenant(db, caller.tenantId, (tx) => tx.select().from(tenants).where(eq(tenants.id, caller.tenantId)));
  return row ?? null;
}
