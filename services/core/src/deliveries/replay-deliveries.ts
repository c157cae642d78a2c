import { deliveries, endpoints, events } from '@acme/schema/db';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { endpointVisibleTo } from '../endpoints/endpoint-scope.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { deliveryVisibleTo } from './delivery-scope.ts';
import type { DeadLetterFilter } from './list-dead-letters.ts';

/**
 * Sends a finished delivery again, through its endpoint's workflow (paced like any retry), with
 * the same webhook-id and a fresh retry schedule. The caller then hands the endpoint over. Not once
 * its event's payload is expunged: there is nothing left to send (it would go out as data: null).
 */
export async function replayDelivery(db: Db, caller: TenantCaller, id: string) {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [delivery] = await tx
      .select({ status: deliveries.status, endpointId: deliveries.endpointId, eventId: deliveries.eventId })
      .from(deliveries)
      .where(and(deliveryVisibleTo(caller), eq(deliveries.id, id)))
      .for('update');
    if (!delivery) throw new NotFoundError(`No delivery ${id}.`);
    if (delivery.status === 'PENDING') throw new ConflictError('This delivery is still pending; use retryNow to skip its wait.');
    // Shared lock: an expunge (manual or retention) waits for this replay, or this replay sees it.
    const [event] = await tx
      .select({ expungedAt: events.payloadExpungedAt })
      .from(events)
      .where(eq(events.id, delivery.eventId))
      .for('share');
    if (!event || event.expungedAt)
      throw new ConflictError("This delivery's event payload was expunged; there is nothing left to send.");
    await assertEndpointAcceptsReplays(tx, caller, delivery.endpointId);
    const [replayed] = await requeue(tx, eq(deliveries.id, id));
    await recordAudit(tx, caller, 'replayDelivery', id);
    return replayed!;
  });
}

/** Dead letters one replayDeadLetters call queues again at most: one bounded transaction and answer. */
export const MAX_REPLAYED_PER_CALL = 5_000;

/**
 * Replays the caller's dead letters (of one endpoint, dead-lettered in a time range), in bulk; those
 * whose event payload was expunged stay dead letters. At most MAX_REPLAYED_PER_CALL per call, the
 * oldest first; `remainingCount` says how many more match, and calling again with the same filter
 * replays the next ones (those replayed are dead letters no more). Returns the deliveries queued
 * again, newest first, so that a client can follow each of them.
 */
export async function replayDeadLetters(db: Db, caller: TenantCaller, filter: DeadLetterFilter, perCall = MAX_REPLAYED_PER_CALL) {
  return inTenant(db, caller.tenantId, async (tx) => {
    if (filter.endpointId) await assertEndpointAcceptsReplays(tx, caller, filter.endpointId);
    const replayable = tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), inArray(endpoints.status, ['ACTIVE', 'PAUSED'])));
    const matching = sql`
        from deliveries d join events e on e.id = d.event_id
         where d.tenant_id = ${caller.tenantId} and d.status = 'DEAD_LETTERED' and e.payload_expunged_at is null
           ${filter.endpointId ? sql`and d.endpoint_id = ${filter.endpointId}` : sql``}
           ${filter.since ? sql`and d.completed_at >= ${filter.since.toISOString()}::timestamptz` : sql``}
           ${filter.until ? sql`and d.completed_at < ${filter.until.toISOString()}::timestamptz` : sql``}
           and ${inArray(sql`d.endpoint_id`, replayable)}`;
    // Each event locked for share (see replayDelivery); one expunged meanwhile is re-read and left out.
    const rows = await requeue(
      tx,
      // = any(array(...)): the limited subquery runs once; as `in (...)` the planner may rerun it
      // (a semi-join) and update more rows than the limit.
      sql`${deliveries.id} = any(array(
        select d.id ${matching}
         order by d.completed_at, d.id
         limit ${perCall}
         for update of d for share of e))`,
    );
    const [left] = await tx.execute<{ n: number }>(sql`select count(*)::int as n ${matching}`);
    const remainingCount = Number(left?.n ?? 0);
    await recordAudit(tx, caller, 'replayDeadLetters', filter.endpointId ?? null, {
      ...filter,
      replayedCount: rows.length,
      remainingCount,
    });
    return { deliveries: rows.sort((a, b) => (a.id < b.id ? 1 : -1)), remainingCount };
  });
}

function requeue(tx: DbOrTx, where: SQL | undefined) {
  return tx
    .update(deliveries)
    .set({
      status: 'PENDING',
      handler: 'WORKFLOW',
      handedOff: false,
      scheduleBase: sql`${deliveries.attemptCount}`,
      nextAttemptAt: sql`now()`,
      completedAt: null,
      cancelReason: null,
    })
    .where(where)
    .returning();
}

async function assertEndpointAcceptsReplays(tx: DbOrTx, caller: TenantCaller, endpointId: string) {
  const [endpoint] = await tx
    .select({ status: endpoints.status })
    .from(endpoints)
    .where(and(endpointVisibleTo(caller), eq(endpoints.id, endpointId)));
  if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
  if (endpoint.status === 'DISABLED') throw new ConflictError('The endpoint is disabled; resume it before replaying.');
}
