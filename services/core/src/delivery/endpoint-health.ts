import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { DELIVERIES_CHANNEL } from '../events/wake-dispatchers.ts';
import { releaseHeldDeliveries } from './held-deliveries.ts';

/** While RECOVERING, the dispatcher leaves the endpoint's new deliveries waiting for its workflow. */
export async function markRecovering(tx: DbOrTx, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  await tx
    .update(endpoints)
    .set({ health: 'RECOVERING' })
    .where(and(inArray(endpoints.id, [...endpointIds]), eq(endpoints.health, 'HEALTHY')));
}

/**
 * A probe got through: the endpoint is HEALTHY again. Its waiting first attempts go back to the
 * dispatchers (woken by NOTIFY), and its scheduled retries are due now: probe first, then drain.
 */
export async function markRecovered(tx: DbOrTx, endpointIds: readonly string[]) {
  if (endpointIds.length === 0) return [];
  const recovered = await tx
    .update(endpoints)
    .set({ health: 'HEALTHY' })
    .where(and(inArray(endpoints.id, [...endpointIds]), eq(endpoints.health, 'RECOVERING')))
    .returning({ id: endpoints.id, tenantId: endpoints.tenantId, url: endpoints.url, failingSince: endpoints.failingSince });
  if (recovered.length === 0) return [];
  await releaseHeldDeliveries(tx, { endpointIds: recovered.map((r) => r.id) });
  await tx
    .update(deliveries)
    .set({ nextAttemptAt: sql`now()` })
    .where(
      and(
        inArray(
          deliveries.endpointId,
          recovered.map((r) => r.id),
        ),
        eq(deliveries.status, 'PENDING'),
        eq(deliveries.handler, 'WORKFLOW'),
        sql`${deliveries.nextAttemptAt} > now()`,
      ),
    );
  await tx.execute(sql`select pg_notify(${DELIVERIES_CHANNEL}, '')`);
  return recovered;
}
