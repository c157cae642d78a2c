import { deliveries, endpoints, events, eventTypes } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { eventTypeName } from '../event-types/create-event-type.ts';
import { examplePayload, FIXED_TEST_PAYLOAD, TEST_EVENT_TYPE } from '../event-types/example-payload.ts';
import { DELIVERIES_CHANNEL, type PublishSettings } from '../events/publish-event.ts';
import { newId } from '../ids.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';

/**
 * A real event (in the event log, signed and delivered like any other) sent to this endpoint only.
 * Its type is the one asked for, else the endpoint's first subscribed type, else `webhook.test`; its
 * payload is the type's example, else one made from the type's schema, else a small fixed one.
 * Test events have a rate bucket of their own per key (TEST_EVENT_LIMITS): a portal session clicking
 * "Send test event" cannot spend the publish rate its tenant's production traffic needs.
 */
export const TEST_EVENT_LIMITS = { publishRatePerSecond: 1, publishBurst: 10 } as const;

export async function sendTestEvent(
  db: Db,
  settings: PublishSettings,
  caller: TenantCaller,
  endpointId: string,
  requestedType?: string | null,
) {
  if (requestedType != null && !eventTypeName.safeParse(requestedType).success)
    throw new InvalidInputError(`"${requestedType}" is not an event type name.`, { field: 'eventType' });
  settings.rateLimiter.take(`test-event:${caller.tenantId}:${caller.actor.apiKeyId ?? 'operator'}`, TEST_EVENT_LIMITS, 1);
  return inTenant(db, caller.tenantId, async (tx) => {
    const [endpoint] = await tx
      .select({ status: endpoints.status, eventTypes: endpoints.eventTypes, consumerId: endpoints.consumerId })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, endpointId)));
    if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
    if (endpoint.status === 'DISABLED') throw new ConflictError('The endpoint is disabled; resume it before testing.');

    const typeName = requestedType ?? endpoint.eventTypes[0] ?? TEST_EVENT_TYPE;
    const [type] = await tx
      .select({ example: eventTypes.example, schema: eventTypes.schema, archived: eventTypes.archived })
      .from(eventTypes)
      .where(and(eq(eventTypes.tenantId, caller.tenantId), eq(eventTypes.name, typeName)));
    if (requestedType != null && (!type || type.archived))
      throw new InvalidInputError(`No event type "${requestedType}" to test with.`, { field: 'eventType' });

    const [event] = await tx
      .insert(events)
      .values({
        id: newId('evt'),
        tenantId: caller.tenantId,
        eventType: typeName,
        consumerId: endpoint.consumerId,
        payload: examplePayload(type) ?? FIXED_TEST_PAYLOAD,
      })
      .returning();
    const [delivery] = await tx
      .insert(deliveries)
      .values({ id: newId('dlv'), tenantId: caller.tenantId, eventId: event!.id, endpointId })
      .returning();
    await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, '')`);
    await recordAudit(tx, caller, 'sendTestEvent', endpointId, { eventType: typeName, eventId: event!.id });
    return delivery!;
  });
}
