import { endpoints, tenants } from '@acme/schema/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { InvalidInputError } from '../errors.ts';
import { parseInput } from '../validation.ts';

const input = z.object({
  /** An empty string returns to the gateway default. */
  retrySchedule: z.string().nullish(),
  /** One of the tenant's endpoints; null stops sending operational events. */
  operationalEndpointId: z.string().max(100).nullish(),
});

/** The calling tenant's own settings: its retry schedule, and where its operational events go. */
export async function updateTenantSettings(db: Db, caller: TenantCaller, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);
  return inTenant(db, caller.tenantId, async (tx) => {
    if (data.operationalEndpointId) {
      const [endpoint] = await tx
        .select({ id: endpoints.id })
        .from(endpoints)
        .where(
          and(eq(endpoints.tenantId, caller.tenantId), eq(endpoints.id, data.operationalEndpointId), isNull(endpoints.deletedAt)),
        );
      if (!endpoint)
        throw new InvalidInputError(`No endpoint ${data.operationalEndpointId}.`, { field: 'operationalEndpointId' });
    }
    const [tenant] = await tx
      .update(tenants)
      .set({
        ...(data.retrySchedule !== undefined && { retrySchedule: data.retrySchedule || null }),
        ...(data.operationalEndpointId !== undefined && { operationalEndpointId: data.operationalEndpointId }),
        updatedAt: sql`now()`,
      })
      .where(eq(tenants.id, caller.tenantId))
      .returning();
    await recordAudit(tx, caller, 'updateTenantSettings', caller.tenantId, data);
    return tenant!;
  });
}
