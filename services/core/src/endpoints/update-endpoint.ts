import { endpoints } from '@acme/schema/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { assertDestinationAllowed } from '../delivery/url-guard.ts';
import { NotFoundError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { assertEventTypesExist, type EndpointSettings, endpointFields, normaliseHeaders } from './create-endpoint.ts';
import { cancelPendingDeliveries, pauseEndpoint, resumeEndpoint } from './endpoint-lifecycle.ts';

const input = endpointFields.partial().extend({
  url: z.string().optional(),
  status: z.enum(['ACTIVE', 'PAUSED', 'DISABLED']).optional(),
});

/**
 * Changes an endpoint. A new URL is guarded again. PAUSED holds its deliveries (nothing is
 * attempted, nothing dropped); back to ACTIVE sends them; DISABLED cancels them.
 */
export async function updateEndpoint(
  db: Db,
  settings: EndpointSettings,
  tenantId: string,
  id: string,
  raw: z.input<typeof input>,
) {
  const data = parseInput(input, raw);
  if (data.url !== undefined)
    data.url = (await assertDestinationAllowed(data.url, settings.privateDestinationsAllowed)).toString();
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);
  if (data.eventTypes) await assertEventTypesExist(db, tenantId, data.eventTypes);

  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: endpoints.status })
      .from(endpoints)
      .where(and(eq(endpoints.tenantId, tenantId), eq(endpoints.id, id), isNull(endpoints.deletedAt)))
      .for('update');
    if (!current) throw new NotFoundError(`No endpoint ${id}.`);
    const [updated] = await tx
      .update(endpoints)
      .set({
        ...(data.url !== undefined && { url: data.url }),
        ...(data.description != null && { description: data.description }),
        ...(data.eventTypes != null && { eventTypes: [...new Set(data.eventTypes)] }),
        ...(data.consumerId !== undefined && { consumerId: data.consumerId }),
        ...(data.headers != null && { headers: normaliseHeaders(data.headers) }),
        ...(data.rateLimit !== undefined && { rateLimit: data.rateLimit }),
        ...(data.timeoutMs !== undefined && { timeoutMs: data.timeoutMs }),
        ...(data.retrySchedule !== undefined && { retrySchedule: data.retrySchedule }),
        ...(data.metadata != null && { metadata: data.metadata }),
        ...(data.status && {
          status: data.status,
          disabledReason: data.status === 'DISABLED' ? 'Disabled by the tenant.' : null,
        }),
        // Enabled again after being disabled: a fresh start, not five days of failure already counted.
        ...(data.status === 'ACTIVE' && current.status === 'DISABLED' && { failingSince: null }),
        updatedAt: sql`now()`,
      })
      .where(eq(endpoints.id, id))
      .returning();
    if (data.status && data.status !== current.status) {
      if (data.status === 'DISABLED') await cancelPendingDeliveries(tx, id);
      if (data.status === 'ACTIVE') await resumeEndpoint(tx, id);
      if (data.status === 'PAUSED') await pauseEndpoint(tx, id);
    }
    return updated!;
  });
}
