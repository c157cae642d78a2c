import { endpoints } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { parseRetrySchedule } from '../delivery/retry-schedule.ts';
import { assertDestinationAllowed } from '../delivery/url-guard.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { assertEventTypesExist, type EndpointSettings, endpointFields, normaliseHeaders } from './create-endpoint.ts';
import { cancelPendingDeliveries, pauseEndpoint, resumeEndpoint } from './endpoint-lifecycle.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';

const input = endpointFields.partial().extend({
  url: z.string().optional(),
  status: z.enum(['ACTIVE', 'PAUSED', 'DISABLED']).optional(),
});

export type UpdateEndpointInput = z.input<typeof input>;

/**
 * Changes an endpoint. A new URL is guarded again. PAUSED holds its deliveries (nothing is
 * attempted, nothing dropped); ACTIVE sends them, and re-enables a DISABLED endpoint; DISABLED
 * cancels them. pauseEndpoint and resumeEndpoint are this operation with a status (`action` names
 * them in the audit log). Returns the held retries that now need their workflow woken.
 */
export async function updateEndpoint(
  db: Db,
  settings: EndpointSettings,
  caller: TenantCaller,
  id: string,
  raw: UpdateEndpointInput,
  options: { action?: 'updateEndpoint' | 'pauseEndpoint' | 'resumeEndpoint' } = {},
) {
  const data = parseInput(input, raw);
  if (caller.consumerId !== null && data.consumerId !== undefined && data.consumerId !== caller.consumerId)
    throw new ForbiddenError('A portal session cannot move an endpoint to another consumer.', { field: 'consumerId' });
  if (data.url !== undefined)
    data.url = (await assertDestinationAllowed(data.url, settings.privateDestinationsAllowed)).toString();
  if (data.retrySchedule) parseRetrySchedule(data.retrySchedule);

  return inTenant(db, caller.tenantId, async (tx) => {
    const [current] = await tx
      .select({ status: endpoints.status })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, id)))
      .for('update');
    if (!current) throw new NotFoundError(`No endpoint ${id}.`);
    if (data.eventTypes) await assertEventTypesExist(tx, caller.tenantId, data.eventTypes);
    // Any way out of DISABLED (to ACTIVE, or to PAUSED and later ACTIVE) counts as re-enabling.
    const reenabled = data.status !== undefined && data.status !== 'DISABLED' && current.status === 'DISABLED';
    const [endpoint] = await tx
      .update(endpoints)
      .set({
        ...(data.url !== undefined && { url: data.url }),
        ...(data.description != null && { description: data.description }),
        ...(data.eventTypes != null && { eventTypes: [...new Set(data.eventTypes)] }),
        ...(data.consumerId !== undefined && { consumerId: data.consumerId }),
        ...(data.headers != null && { headers: normaliseHeaders(data.headers) }),
        ...(data.rateLimit !== undefined && { rateLimit: data.rateLimit }),
        ...(data.timeoutMs !== undefined && { timeoutMs: data.timeoutMs }),
        ...(data.retrySchedule !== undefined && { retrySchedule: data.retrySchedule || null }),
        ...(data.metadata != null && { metadata: data.metadata }),
        ...(data.status && {
          status: data.status,
          disabledReason: data.status === 'DISABLED' ? 'Disabled by the tenant.' : null,
        }),
        // A re-enabled endpoint starts with a clean record, or sustained-failure disabling would strike again at once.
        ...(reenabled && { failingSince: null, health: 'HEALTHY' as const }),
        updatedAt: sql`now()`,
      })
      .where(eq(endpoints.id, id))
      .returning();
    let resumed: { id: string; endpointId: string }[] = [];
    if (data.status && data.status !== current.status) {
      if (data.status === 'DISABLED') await cancelPendingDeliveries(tx, id, 'ENDPOINT_DISABLED');
      if (data.status === 'ACTIVE') resumed = await resumeEndpoint(tx, id);
      if (data.status === 'PAUSED') await pauseEndpoint(tx, id);
    }
    await recordAudit(tx, caller, options.action ?? 'updateEndpoint', id, data);
    return { endpoint: endpoint!, resumed };
  });
}
