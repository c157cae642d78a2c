import type postgres from 'postgres';
import { drizzleIn } from '../db/client.ts';
import type { DeliveryPath } from './attempt-deliveries.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import type { DueDelivery } from './due-delivery.ts';
import { type AppliedAttempt, applyEndpointOutcomes } from './endpoint-outcomes.ts';
import { delayBeforeNextAttempt, parseRetrySchedule } from './retry-schedule.ts';
import type { AttemptResult } from './send-attempt.ts';
import { loggedRequestHeaders } from './webhook-request.ts';
import { type AttemptWrite, countCancelledAttempts, writeAttempts } from './write-attempts.ts';

export interface SentAttempt {
  /** Made when it was sent: writing the same attempt again (a write retried) is then recognised. */
  attemptId: string;
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
 * in the same transaction. A write of the same attempts again (the dispatcher retrying a write whose
 * commit it did not hear back about) changes nothing. An attempt whose delivery was cancelled while it
 * was in flight is logged and moves nothing; so is a first attempt whose claim was taken over
 * meanwhile (write-attempts.ts).
 *
 * The common case, first attempts that all succeeded, is one statement (it is its own
 * transaction): nothing else follows from a success on the fast path.
 */
export async function recordAttempts(
  engine: DeliveryEngine,
  sent: readonly SentAttempt[],
  path: DeliveryPath,
): Promise<AttemptOutcomeRecord[]> {
  if (sent.length === 0) return [];
  const decided = sent.map(({ attemptId, delivery, headers, result }) => ({
    attemptId,
    delivery,
    headers,
    result,
    outcome: decide(engine, delivery, result),
  }));
  const writes = decided.map(toWrite);
  const { sql } = engine.database;

  const write = async (tx: typeof sql | postgres.TransactionSql, lockAllEndpoints: boolean) => {
    const moved = new Map((await writeAttempts(tx, path, writes, lockAllEndpoints)).map((r) => [r.id, r]));
    if (moved.size < writes.length) await countCancelledAttempts(tx, writes);
    return decided
      .filter(({ delivery }) => moved.has(delivery.id))
      .map(({ delivery, result, outcome }) => ({
        delivery,
        result,
        outcome: {
          deliveryId: delivery.id,
          endpointId: delivery.endpoint.id,
          status: outcome.status,
          nextAttemptAt: outcome.status === 'RETRY_SCHEDULED' ? new Date(moved.get(delivery.id)!.next_attempt_at) : null,
        },
      }));
  };

  let applied: AppliedAttempt[];
  let notices: readonly { type: string }[] = [];
  if (path === 'FAST' && decided.every((d) => d.outcome.status === 'SUCCEEDED')) {
    applied = await write(sql, false);
  } else {
    ({ applied, notices } = await sql.begin(async (tx) => {
      const applied = await write(tx, true);
      return { applied, notices: await applyEndpointOutcomes(drizzleIn(engine.database, tx), applied, path, engine.autoDisable) };
    }));
  }
  observe(engine, sent, applied, notices, path);
  return applied.map((a) => a.outcome);
}

function toWrite({
  attemptId,
  delivery,
  headers,
  result,
  outcome,
}: SentAttempt & { outcome: ReturnType<typeof decide> }): AttemptWrite {
  return {
    attemptId,
    deliveryId: delivery.id,
    tenantId: delivery.tenantId,
    endpointId: delivery.endpoint.id,
    sentAtCount: delivery.attemptCount,
    leaseOwner: delivery.leaseOwner,
    startedAt: result.startedAt.toISOString(),
    durationMs: result.durationMs,
    url: delivery.endpoint.url,
    requestHeaders: loggedRequestHeaders(headers),
    responseStatus: result.responseStatus,
    responseHeaders: result.responseHeaders,
    responseBody: result.responseBody,
    outcome: result.outcome,
    error: result.error,
    hint: result.hint,
    status: outcome.status === 'RETRY_SCHEDULED' ? 'PENDING' : outcome.status,
    retry: outcome.status === 'RETRY_SCHEDULED',
    // Counted from the end of the failed attempt, not from when its result is written; the time
    // itself is Postgres's (every due check uses its now()), so only a duration crosses over.
    retryInMs:
      outcome.retryDelayMs === null
        ? null
        : Math.min(
            outcome.retryDelayMs,
            Math.max(0, outcome.retryDelayMs - (Date.now() - (result.startedAt.getTime() + result.durationMs))),
          ),
  };
}

function decide(engine: DeliveryEngine, delivery: DueDelivery, result: AttemptResult) {
  if (result.outcome === 'SUCCESS') return { status: 'SUCCEEDED' as const, retryDelayMs: null };
  // 410 Gone: the receiver says the endpoint is gone for good; retrying would only hammer it.
  if (result.responseStatus === 410) return { status: 'CANCELLED' as const, retryDelayMs: null };
  const schedule = delivery.endpoint.retrySchedule
    ? parseRetrySchedule(delivery.endpoint.retrySchedule)
    : engine.defaultRetrySchedule;
  const delay = delayBeforeNextAttempt(schedule, delivery.attemptCount + 1 - delivery.scheduleBase);
  if (delay === null) return { status: 'DEAD_LETTERED' as const, retryDelayMs: null };
  return { status: 'RETRY_SCHEDULED' as const, retryDelayMs: result.retryAfterMs ?? delay };
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
