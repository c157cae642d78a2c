import { deliveryAttempts } from '@acme/schema/db';
import { sql } from 'drizzle-orm';
import { newId } from '../ids.ts';
import type { DeliveryPath } from './attempt-deliveries.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AppliedAttempt, applyEndpointOutcomes } from './endpoint-outcomes.ts';
import { delayBeforeNextAttempt, parseRetrySchedule } from './retry-schedule.ts';
import type { AttemptResult } from './send-attempt.ts';
import { loggedRequestHeaders } from './webhook-request.ts';

export interface SentAttempt {
  delivery: DueDelivery;
  headers: Record<string, string>;
  result: AttemptResult;
}

export interface AttemptOutcomeRecord {
  deliveryId: string;
  endpointId: string;
  status: 'SUCCEEDED' | 'RETRY_SCHEDULED' | 'DEAD_LETTERED' | 'CANCELLED';
  /** Set when a retry is scheduled: it now belongs to the endpoint's workflow. */
  nextAttemptAt: Date | null;
}

/**
 * Writes each attempt row and moves its delivery on: SUCCEEDED on 2xx; else the next retry per
 * the schedule (or Retry-After), owned by the endpoint workflow; DEAD_LETTERED when the schedule
 * is spent. Then what that means for the endpoints (recovery, disabling) and the operational events,
 * in the same transaction. Idempotent: a repeated call (activity retry) finds attempt_count moved
 * and changes nothing; so does an attempt whose delivery was cancelled while it was in flight.
 */
export async function recordAttempts(
  engine: DeliveryEngine,
  sent: readonly SentAttempt[],
  path: DeliveryPath,
): Promise<AttemptOutcomeRecord[]> {
  if (sent.length === 0) return [];
  const { applied, notices } = await engine.database.db.transaction(async (tx) => {
    await tx
      .insert(deliveryAttempts)
      .values(
        sent.map(({ delivery, headers, result }) => ({
          id: newId('att'),
          deliveryId: delivery.id,
          tenantId: delivery.tenantId,
          attemptNumber: delivery.attemptCount + 1,
          path,
          startedAt: result.startedAt,
          durationMs: result.durationMs,
          url: delivery.endpoint.url,
          requestHeaders: loggedRequestHeaders(headers),
          responseStatus: result.responseStatus,
          responseHeaders: result.responseHeaders,
          responseBody: result.responseBody,
          outcome: result.outcome,
          error: result.error,
          hint: result.hint,
        })),
      )
      .onConflictDoNothing();

    const decided = sent.map(({ delivery, result }) => ({ delivery, result, outcome: decide(engine, delivery, result) }));
    // One statement for the whole batch: each delivery moves on only from the attempt count it was sent at.
    const rows = JSON.stringify(
      decided.map(({ delivery, outcome }) => ({
        id: delivery.id,
        sent_at_count: delivery.attemptCount,
        status: outcome.status === 'RETRY_SCHEDULED' ? 'PENDING' : outcome.status,
        retry: outcome.status === 'RETRY_SCHEDULED',
        next_attempt_at: outcome.nextAttemptAt?.toISOString() ?? null,
      })),
    );
    const moved = await tx.execute<{ id: string }>(sql`
      update deliveries d
         set attempt_count = v.sent_at_count + 1,
             status = v.status::delivery_status,
             completed_at = case when v.retry then null else now() end,
             next_attempt_at = coalesce(v.next_attempt_at, d.next_attempt_at),
             handler = case when v.retry then 'WORKFLOW'::delivery_handler else d.handler end,
             -- A retry leaving the fast path still has to reach its workflow; one already there does not.
             handed_off = case when v.retry then ${path === 'DURABLE'} else d.handed_off end,
             lease_owner = null,
             lease_expires_at = null
        from jsonb_to_recordset(${rows}::jsonb)
             as v(id text, sent_at_count int, status text, retry boolean, next_attempt_at timestamptz)
       where d.id = v.id and d.status = 'PENDING' and d.attempt_count = v.sent_at_count
      returning d.id`);
    const movedIds = new Set(moved.map((r) => r.id));
    if (movedIds.size < decided.length) {
      // Cancelled while the attempt was in flight: the attempt still happened and keeps its number,
      // so a replay numbers the next one after it.
      await tx.execute(sql`
        update deliveries d set attempt_count = v.sent_at_count + 1
          from jsonb_to_recordset(${rows}::jsonb) as v(id text, sent_at_count int)
         where d.id = v.id and d.status = 'CANCELLED' and d.attempt_count = v.sent_at_count`);
    }
    const applied: AppliedAttempt[] = decided
      .filter(({ delivery }) => movedIds.has(delivery.id))
      .map(({ delivery, result, outcome }) => ({
        delivery,
        result,
        outcome: { deliveryId: delivery.id, endpointId: delivery.endpoint.id, ...outcome },
      }));
    const notices = await applyEndpointOutcomes(tx, applied, path, engine.autoDisable);
    return { applied, notices };
  });
  observe(engine, sent, applied, notices, path);
  return applied.map((a) => a.outcome);
}

function decide(engine: DeliveryEngine, delivery: DueDelivery, result: AttemptResult) {
  if (result.outcome === 'SUCCESS') return { status: 'SUCCEEDED' as const, nextAttemptAt: null };
  // 410 Gone: the receiver says the endpoint is gone for good; retrying would only hammer it.
  if (result.responseStatus === 410) return { status: 'CANCELLED' as const, nextAttemptAt: null };
  const schedule = delivery.endpoint.retrySchedule
    ? parseRetrySchedule(delivery.endpoint.retrySchedule)
    : engine.defaultRetrySchedule;
  const delay = delayBeforeNextAttempt(schedule, delivery.attemptCount + 1 - delivery.scheduleBase);
  if (delay === null) return { status: 'DEAD_LETTERED' as const, nextAttemptAt: null };
  // Counted from the end of the failed attempt, not from when its result was written.
  const endedAt = result.startedAt.getTime() + result.durationMs;
  return { status: 'RETRY_SCHEDULED' as const, nextAttemptAt: new Date(endedAt + (result.retryAfterMs ?? delay)) };
}

function observe(
  engine: DeliveryEngine,
  sent: readonly SentAttempt[],
  applied: readonly AppliedAttempt[],
  notices: readonly { type: string }[],
  path: DeliveryPath,
) {
  const m = engine.metrics;
  for (const { delivery, result } of sent) {
    m.attempts.inc({ outcome: result.outcome, path });
    m.attemptSeconds.observe({ path }, result.durationMs / 1000);
    if (delivery.attemptCount === 0 && path === 'FAST') {
      m.firstAttemptLagSeconds.observe(
        Math.max(0, result.startedAt.getTime() - delivery.message.eventCreatedAt.getTime()) / 1000,
      );
    }
  }
  for (const { outcome } of applied) {
    if (outcome.status === 'RETRY_SCHEDULED') m.retriesScheduled.inc({ path });
    else m.deliveriesFinished.inc({ status: outcome.status, path });
  }
  for (const notice of notices) m.operationalEvents.inc({ type: notice.type });
}
