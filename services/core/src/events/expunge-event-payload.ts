import { deliveries, events } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { NotFoundError } from '../errors.ts';

/**
 * Deletes an event's payload now (a customer's erasure request, say). The event, its deliveries and
 * their attempt log stay; attempts no longer show the body they sent. Deliveries still pending are
 * CANCELLED (reason PAYLOAD_EXPUNGED): there is nothing left to send, and the claim paths never see them. Expunging twice keeps the first time.
 */
export async function expungeEventPayload(db: Db, caller: TenantCaller, id: string) {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [event] = await tx
      .update(events)
      .set({ payload: null, payloadExpungedAt: sql`coalesce(${events.payloadExpungedAt}, now())` })
      .where(and(eq(events.tenantId, caller.tenantId), eq(events.id, id)))
      .returning();
    if (!event) throw new NotFoundError(`No event ${id}.`);
    await tx
      .update(deliveries)
      .set({
        status: 'CANCELLED',
        cancelReason: 'PAYLOAD_EXPUNGED',
        completedAt: sql`now()`,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(and(eq(deliveries.tenantId, caller.tenantId), eq(deliveries.eventId, id), eq(deliveries.status, 'PENDING')));
    await recordAudit(tx, caller, 'expungeEventPayload', id);
    return event;
  });
}
