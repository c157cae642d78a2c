import { deliveries, deliveryAttempts } from '@acme/schema/db';
import { and, eq, sql } from 'drizzle-orm';
import { newId } from '../ids.ts';
import type { DeliveryPath } from './attempt-deliveries.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AppliedAttempt, applyEndpointOutcomes } from './endpoint-outcomes.ts';
import { delayBeforeNextAttempt, parseRetrySchedule } from './retry-schedule.ts';
import type { AttemptResult } from './send-attempt.ts';

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
          requestHeaders: redactSignature(headers),
          responseStatus: result.responseStatus,
          responseHeaders: result.responseHeaders,
          responseBody: result.responseBody,
          outcome: result.outcome,
          error: result.error,
          hint: result.hint,
        })),
      )
      .onConflictDoNothing();

    const applied: AppliedAttempt[] = [];
    for (const { delivery, result } of sent) {
      const outcome = decide(engine, delivery, result);
      const moved = await tx
        .update(deliveries)
        .set({
          attemptCount: delivery.attemptCount + 1,
          status: outcome.status === 'RETRY_SCHEDULED' ? 'PENDING' : outcome.status,
          completedAt: outcome.status === 'RETRY_SCHEDULED' ? null : sql`now()`,
          nextAttemptAt: outcome.nextAttemptAt ?? sql`${deliveries.nextAttemptAt}`,
          handler: outcome.status === 'RETRY_SCHEDULED' ? 'WORKFLOW' : sql`${deliveries.handler}`,
          // A retry leaving the fast path still has to reach its workflow; one already there does not.
          handedOff: outcome.status === 'RETRY_SCHEDULED' ? path === 'DURABLE' : sql`${deliveries.handedOff}`,
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        .where(
          and(
            eq(deliveries.id, delivery.id),
            eq(deliveries.status, 'PENDING'),
            eq(deliveries.attemptCount, delivery.attemptCount),
          ),
        )
        .returning({ id: deliveries.id });
      if (moved.length === 0) {
        // Cancelled while the attempt was in flight: the attempt still happened and keeps its number,
        // so a replay numbers the next one after it.
        await tx
          .update(deliveries)
          .set({ attemptCount: delivery.attemptCount + 1 })
          .where(
            and(
              eq(deliveries.id, delivery.id),
              eq(deliveries.status, 'CANCELLED'),
              eq(deliveries.attemptCount, delivery.attemptCount),
            ),
          );
        continue;
      }
      applied.push({ delivery, result, outcome: { deliveryId: delivery.id, endpointId: delivery.endpoint.id, ...outcome } });
    }
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

/** The attempt log keeps every request header but the signature, which is as good as a credential for replay. */
function redactSignature(headers: Record<string, string>): Record<string, string> {
  return { ...headers, 'webhook-signature': '[redacted]' };
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
