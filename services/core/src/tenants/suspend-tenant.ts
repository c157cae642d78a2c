import { tenants } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import { forgetAuthenticatedKeys } from '../auth/authenticate.ts';
import { operatorCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { NotFoundError } from '../errors.ts';

/**
 * Operator: a suspended tenant's keys stop working at once (authenticate refuses them); its data is
 * kept. Suspending twice keeps the first suspension time.
 */
export function suspendTenant(db: Db, id: string) {
  return setStatus(db, id, 'SUSPENDED');
}

/** Operator: undoes suspendTenant. */
export function reactivateTenant(db: Db, id: string) {
  return setStatus(db, id, 'ACTIVE');
}

async function setStatus(db: Db, id: string, status: 'ACTIVE' | 'SUSPENDED') {
  const updated = await db.transaction(async (tx) => {
    const [tenant] = await tx
      .update(tenants)
      .set({
        status,
        suspendedAt: status === 'SUSPENDED' ? sql`coalesce(${tenants.suspendedAt}, now())` : null,
        updatedAt: sql`now()`,
      })
      .where(eq(tenants.id, id))
      .returning();
    if (!tenant) throw new NotFoundError(`No tenant ${id}.`);
    await recordAudit(tx, operatorCaller(id), status === 'SUSPENDED' ? 'suspendTenant' : 'reactivateTenant', id);
    return tenant;
  });
  forgetAuthenticatedKeys();
  return updated;
}
