import { tenants } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { forgetAuthenticatedKeys } from '../auth/authenticate.ts';
import { operatorCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { NotFoundError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { limitColumns, tenantLimitsInput } from './tenant-limits.ts';

const input = z.object({
  name: z.string().trim().min(1).max(200).nullish(),
  /** An empty string (or null) returns to the gateway default. */
  retrySchedule: z.string().nullish(),
  limits: tenantLimitsInput,
});

/** Operator: renames a tenant or changes its limits and retry schedule. */
export async function updateTenant(db: Db, id: string, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);
  const updated = await db.transaction(async (tx) => {
    const [tenant] = await tx
      .update(tenants)
      .set({
        ...(data.name && { name: data.name }),
        ...(data.retrySchedule !== undefined && { retrySchedule: data.retrySchedule || null }),
        ...limitColumns(data.limits),
        updatedAt: sql`now()`,
      })
      .where(eq(tenants.id, id))
      .returning();
    if (!tenant) throw new NotFoundError(`No tenant ${id}.`);
    await recordAudit(tx, operatorCaller(id), 'updateTenant', id, data);
    return tenant;
  });
  // Its keys carry its limits: new ones apply from the next request.
  forgetAuthenticatedKeys();
  return updated;
}
