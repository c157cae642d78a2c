import { deliveries, endpoints, events, operationalEvents, tenants } from '@acme/schema/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { DELIVERIES_CHANNEL } from '../events/wake-dispatchers.ts';
import { newId } from '../ids.ts';

export type OperationalEventType = 'ENDPOINT_DISABLED' | 'ENDPOINT_RECOVERED' | 'DELIVERY_DEAD_LETTERED';

/** Event types of the webhooks that carry operational events; tenants cannot create types under `acme.`. */
export const OPERATIONAL_WEBHOOK_TYPES: Record<OperationalEventType, string> = {
  ENDPOINT_DISABLED: 'acme.endpoint.disabled',
  ENDPOINT_RECOVERED: 'acme.endpoint.recovered',
  DELIVERY_DEAD_LETTERED: 'acme.delivery.dead_lettered',
};
export const RESERVED_EVENT_TYPE_PREFIX = 'acme.';

/** A delivery of an operational event: its own dead letter is not reported, or one failure would feed another. */
export function isOperationalEventType(eventType: string): boolean {
  return eventType.startsWith(RESERVED_EVENT_TYPE_PREFIX);
}

export interface OperationalEventInput {
  tenantId: string;
  type: OperationalEventType;
  endpointId?: string | null;
  deliveryId?: string | null;
  /** A sentence a person can act on. */
  message: string;
  data?: Record<string, unknown>;
}

/**
 * Records what the gateway did on its own, in the transaction that did it, so the event exists if and
 * only if the change does. For a tenant with an operational endpoint it is also published there, as an
 * event of a reserved type delivered to that endpoint only, through the outbox: durable, signed and
 * retried like any other delivery. Not to a disabled or deleted operational endpoint.
 */
export async function recordOperationalEvents(tx: DbOrTx, inputs: readonly OperationalEventInput[]) {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input) => ({
    id: newId('opev'),
    tenantId: input.tenantId,
    type: input.type,
    endpointId: input.endpointId ?? null,
    deliveryId: input.deliveryId ?? null,
    message: input.message,
    data: input.data ?? {},
  }));
  const recorded = await tx.insert(operationalEvents).values(rows).returning();

  const targets = await tx
    .select({ tenantId: tenants.id, endpointId: endpoints.id })
    .from(tenants)
    .innerJoin(endpoints, and(eq(endpoints.id, tenants.operationalEndpointId), eq(endpoints.tenantId, tenants.id)))
    .where(
      and(
        inArray(tenants.id, [...new Set(rows.map((r) => r.tenantId))]),
        inArray(endpoints.status, ['ACTIVE', 'PAUSED']),
        isNull(endpoints.deletedAt),
      ),
    );
  const targetOf = new Map(targets.map((t) => [t.tenantId, t.endpointId]));
  const published = recorded.filter((r) => targetOf.has(r.tenantId));
  if (published.length > 0) {
    const webhookEvents = published.map((r) => ({
      id: newId('evt'),
      tenantId: r.tenantId,
      eventType: OPERATIONAL_WEBHOOK_TYPES[r.type],
      payload: {
        id: r.id,
        type: r.type,
        endpointId: r.endpointId,
        deliveryId: r.deliveryId,
        message: r.message,
        data: r.data,
        createdAt: r.createdAt.toISOString(),
      },
      // The operational event's id: it is published once, whatever retries the transaction.
      idempotencyKey: r.id,
    }));
    await tx.insert(events).values(webhookEvents);
    await tx.insert(deliveries).values(
      webhookEvents.map((e) => ({
        id: newId('dlv'),
        tenantId: e.tenantId,
        eventId: e.id,
        endpointId: targetOf.get(e.tenantId) as string,
      })),
    );
    await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, '')`);
  }
  return recorded;
}
