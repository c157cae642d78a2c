import { deliveries, endpoints } from '@acme/schema/db';
import { and, eq, gte, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { disableEndpoint } from '../endpoints/endpoint-lifecycle.ts';
import {
  isOperationalEventType,
  type OperationalEventInput,
  recordOperationalEvents,
} from '../operational-events/record-operational-events.ts';
import type { DeliveryPath } from './attempt-deliveries.ts';
import type { DueDelivery } from './due-delivery.ts';
import { markRecovered, markRecovering } from './endpoint-health.ts';
import type { AttemptOutcomeRecord } from './record-attempts.ts';
import type { AttemptResult } from './send-attempt.ts';

export interface AppliedAttempt {
  delivery: DueDelivery;
  result: AttemptResult;
  outcome: AttemptOutcomeRecord;
}

export interface AutoDisablePolicy {
  /** null: never disable an endpoint for failing. */
  afterMs: number | null;
  minFailedDeliveries: number;
}

/**
 * What a batch of recorded attempts means for their endpoints, in the batch's transaction: the
 * circuit breaker, `failing_since`, disabling (410 Gone, or failing for too long), and the
 * operational event each disable, recovery and dead letter produces. Returns those events.
 */
export async function applyEndpointOutcomes(
  tx: DbOrTx,
  applied: readonly AppliedAttempt[],
  path: DeliveryPath,
  policy: AutoDisablePolicy,
) {
  if (applied.length === 0) return [];
  const notices: OperationalEventInput[] = [];
  const endpointIds = (keep: (a: AppliedAttempt) => boolean) => [
    ...new Set(applied.filter(keep).map((a) => a.delivery.endpoint.id)),
  ];
  const succeeded = endpointIds((a) => a.result.outcome === 'SUCCESS');
  const failedOnly = endpointIds((a) => a.result.outcome !== 'SUCCESS').filter((id) => !succeeded.includes(id));

  // The circuit breaker: a failed first attempt puts its endpoint in recovery (the dispatcher stops
  // sending to it, its workflow probes it); a retry that gets through ends the recovery.
  if (path === 'FAST')
    await markRecovering(
      tx,
      endpointIds((a) => a.outcome.status === 'RETRY_SCHEDULED'),
    );
  else {
    for (const endpoint of await markRecovered(tx, succeeded)) {
      notices.push({
        tenantId: endpoint.tenantId,
        type: 'ENDPOINT_RECOVERED',
        endpointId: endpoint.id,
        message: `Endpoint ${endpoint.url} answered again${endpoint.failingSince ? ` after failing since ${endpoint.failingSince.toISOString()}` : ''}; its waiting deliveries are being sent.`,
        data: { url: endpoint.url, failingSince: endpoint.failingSince?.toISOString() ?? null },
      });
    }
  }

  // One success clears failing_since (on the fast path, writeAttempts already has, in the same
  // transaction); the first failure after a success sets it.
  if (succeeded.length > 0 && path === 'DURABLE') {
    await tx
      .update(endpoints)
      .set({ failingSince: null })
      .where(and(inArray(endpoints.id, succeeded), isNotNull(endpoints.failingSince)));
  }
  if (failedOnly.length > 0) {
    await tx
      .update(endpoints)
      .set({ failingSince: sql`now()` })
      .where(and(inArray(endpoints.id, failedOnly), isNull(endpoints.failingSince)));
  }

  // 410 Gone: the receiver says the endpoint is gone for good.
  for (const a of uniqueByEndpoint(applied.filter((a) => a.outcome.status === 'CANCELLED'))) {
    const cancelled = await disableEndpoint(tx, a.delivery.endpoint.id, 'The endpoint answered 410 Gone.');
    if (cancelled === null) continue;
    notices.push(disabledNotice(a.delivery, `it answered 410 Gone`, cancelled, { reason: 'GONE' }));
  }

  if (policy.afterMs !== null && failedOnly.length > 0) {
    notices.push(...(await disableLongFailing(tx, applied, failedOnly, { ...policy, afterMs: policy.afterMs })));
  }

  for (const a of applied) {
    if (a.outcome.status !== 'DEAD_LETTERED' || isOperationalEventType(a.delivery.message.eventType)) continue;
    notices.push({
      tenantId: a.delivery.tenantId,
      type: 'DELIVERY_DEAD_LETTERED',
      endpointId: a.delivery.endpoint.id,
      deliveryId: a.delivery.id,
      message: `Delivery ${a.delivery.id} of event ${a.delivery.message.eventId} (${a.delivery.message.eventType}) to ${a.delivery.endpoint.url} was dead-lettered after ${a.delivery.attemptCount + 1} attempts; the last one: ${describeResult(a.result)}.`,
      data: {
        eventId: a.delivery.message.eventId,
        eventType: a.delivery.message.eventType,
        url: a.delivery.endpoint.url,
        attempts: a.delivery.attemptCount + 1,
        lastOutcome: a.result.outcome,
        lastResponseStatus: a.result.responseStatus,
      },
    });
  }
  return recordOperationalEvents(tx, notices);
}

/**
 * Endpoints that have failed every attempt for the policy's period, with at least its number of
 * deliveries undelivered meanwhile (pending, or dead-lettered since), are disabled.
 */
async function disableLongFailing(
  tx: DbOrTx,
  applied: readonly AppliedAttempt[],
  endpointIds: readonly string[],
  policy: { afterMs: number; minFailedDeliveries: number },
): Promise<OperationalEventInput[]> {
  const failing = await tx
    .select({ id: endpoints.id, failingSince: endpoints.failingSince })
    .from(endpoints)
    .where(
      and(
        inArray(endpoints.id, [...endpointIds]),
        eq(endpoints.status, 'ACTIVE'),
        lte(endpoints.failingSince, sql`now() - ${policy.afterMs} * interval '1 millisecond'`),
      ),
    );
  const notices: OperationalEventInput[] = [];
  for (const { id, failingSince } of failing) {
    const undelivered = tx
      .select({ one: sql`1` })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.endpointId, id),
          or(
            eq(deliveries.status, 'PENDING'),
            and(eq(deliveries.status, 'DEAD_LETTERED'), gte(deliveries.completedAt, failingSince as Date)),
          ),
        ),
      )
      .limit(policy.minFailedDeliveries)
      .as('undelivered');
    const [{ count } = { count: 0 }] = await tx.select({ count: sql<number>`count(*)::int` }).from(undelivered);
    if (count < policy.minFailedDeliveries) continue;
    const since = (failingSince as Date).toISOString();
    const reason = `Every delivery attempt has failed since ${since}.`;
    const cancelled = await disableEndpoint(tx, id, reason);
    if (cancelled === null) continue;
    const delivery = applied.find((a) => a.delivery.endpoint.id === id)!.delivery;
    notices.push(
      disabledNotice(delivery, `every attempt has failed since ${since}`, cancelled, {
        reason: 'FAILING',
        failingSince: since,
        undeliveredAtLeast: count,
      }),
    );
  }
  return notices;
}

function disabledNotice(
  delivery: DueDelivery,
  because: string,
  cancelled: number,
  data: Record<string, unknown>,
): OperationalEventInput {
  return {
    tenantId: delivery.tenantId,
    type: 'ENDPOINT_DISABLED',
    endpointId: delivery.endpoint.id,
    message: `Endpoint ${delivery.endpoint.url} was disabled because ${because}; ${cancelled} pending ${cancelled === 1 ? 'delivery was' : 'deliveries were'} cancelled. Fix the receiver, enable the endpoint again and replay what you need.`,
    data: { url: delivery.endpoint.url, cancelledDeliveries: cancelled, ...data },
  };
}

function describeResult(result: AttemptResult): string {
  if (result.responseStatus !== null) return `HTTP ${result.responseStatus}`;
  return result.error ? `${result.outcome} (${result.error})` : result.outcome;
}

function uniqueByEndpoint(items: readonly AppliedAttempt[]): AppliedAttempt[] {
  const seen = new Map<string, AppliedAttempt>();
  for (const a of items) if (!seen.has(a.delivery.endpoint.id)) seen.set(a.delivery.endpoint.id, a);
  return [...seen.values()];
}
