import { events } from '@acme/schema/db';
import { and, eq, or, sql } from 'drizzle-orm';
import type { TenantCaller } from '../auth/principal.ts';
import { endpointOfCallersConsumer } from '../endpoints/endpoint-scope.ts';

/**
 * The events a caller may read: its tenant's; for a portal session only those meant for its
 * consumer, or delivered to one of its consumer's endpoints (test events, for instance).
 */
export function eventVisibleTo(caller: TenantCaller) {
  return and(
    eq(events.tenantId, caller.tenantId),
    caller.consumerId === null
      ? undefined
      : or(
          eq(events.consumerId, caller.consumerId),
          sql`exists (select 1 from deliveries d
                       where d.event_id = ${events.id} and ${endpointOfCallersConsumer(sql`d.endpoint_id`, caller)})`,
        ),
  );
}
