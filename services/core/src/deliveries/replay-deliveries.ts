import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

/**
 * Sends a finished delivery again, through its endpoint's workflow (paced like any retry), with
 * the same webhook-id and a fresh retry schedule. The caller then hands the endpoint over.
 */
export async function replayDelivery(db: Db, tenantId: string, id: string) {
  return db.transaction(async (tx) => {
    const [delivery] = await tx
      .select({ status: deliveries.status, endpointId: deliveries.endpointId })
      .from(deliveries)
      .where(and(eq(deliveries.tenantId, tenantId), eq(deliveries.id, id)))
      .for('update');
    if (!delivery) throw new NotFoundError(`No delivery ${id}.`);
    if (delivery.status === 'PENDING') throw new ConflictError('This delivery is still pending; use retryNow to skip its wait.');
    await assertEndpointAcceptsReplays(tx, delivery.endpointId);
    const [replayed] = await requeue(tx, and(eq(deliveries.id, id)));
    return replayed!;
  });
}

/** Replays the tenant's dead letters (of one endpoint, dead-lettered since a time), in bulk. */
export async function replayDeadLetters(db: Db, tenantId: string, filter: { endpointId?: string | null; since?: Date | null }) {
  return db.transaction(async (tx) => {
    if (filter.endpointId) await assertEndpointAcceptsReplays(tx, filter.endpointId, tenantId);
    const replayable = tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt), inArray(endpoints.status, ['ACTIVE', 'PAUSED'])));
    const rows = await requeue(
      tx,
      and(
        eq(deliveries.tenantId, tenantId),
        eq(deliveries.status, 'DEAD_LETTERED'),
        filter.endpointId ? eq(deliveries.endpointId, filter.endpointId) : undefined,
        filter.since ? gte(deliveries.completedAt, filter.since) : undefined,
        inArray(deliveries.endpointId, replayable),
      ),
    );
    return { deliveries: rows };
  });
}

function requeue(tx: DbOrTx, where: ReturnType<typeof and>) {
  return tx
    .update(deliveries)
    .set({
      status: 'PENDING',
      handler: 'WORKFLOW',
      handedOff: false,
      scheduleBase: sql`${deliveries.attemptCount}`,
      nextAttemptAt: sql`now()`,
      completedAt: null,
    })
    .where(where)
    .returning();
}

async function assertEndpointAcceptsReplays(tx: DbOrTx, endpointId: string, tenantId?: string) {
  const [endpoint] = await tx
    .select({ status: endpoints.status, deletedAt: endpoints.deletedAt })
    .from(endpoints)
    .where(and(eq(endpoints.id, endpointId), tenantId ? eq(endpoints.tenantId, tenantId) : undefined));
  if (!endpoint || endpoint.deletedAt) throw new NotFoundError(`No endpoint ${endpointId}.`);
  if (endpoint.status === 'DISABLED') throw new ConflictError('The endpoint is disabled; enable it before replaying.');
}
