import type postgres from 'postgres';

export interface RetentionProgress {
  attemptsDeleted: number;
  payloadsExpunged: number;
}

export interface DeleteExpiredDataOptions {
  /** Attempts that started, and events created, before this are past retention. */
  cutoff: Date;
  /** Rows per statement: small enough that no statement holds locks or bloats WAL for long. */
  batchSize?: number;
  /** Stop after this long even if rows are left (`done: false`), so a caller can checkpoint. */
  budgetMs?: number;
  /** Called after every batch (an activity heartbeats here). */
  onBatch?: (progress: RetentionProgress) => void;
  /** Aborted: stop after the batch at hand (`done: false`), as when the worker is stopping. */
  signal?: AbortSignal;
}

/**
 * Retention: deletes attempt logs and expunges event payloads (payload null, payload_expunged_at
 * set) older than the cutoff, batch by batch, until none are left or the budget is spent.
 * Deliveries and events themselves stay, so counts, statuses and dead letters remain readable.
 * A payload still needed by a pending delivery (a paused endpoint, a long retry schedule) is kept.
 */
export async function deleteExpiredData(
  sql: postgres.Sql,
  { cutoff, batchSize = 1000, budgetMs = Number.POSITIVE_INFINITY, onBatch, signal }: DeleteExpiredDataOptions,
): Promise<RetentionProgress & { done: boolean }> {
  const deadline = Date.now() + budgetMs;
  const progress: RetentionProgress = { attemptsDeleted: 0, payloadsExpunged: 0 };
  let attemptsLeft = true;
  let payloadsLeft = true;
  while (attemptsLeft || payloadsLeft) {
    if (Date.now() >= deadline || signal?.aborted) return { ...progress, done: false };
    if (attemptsLeft) {
      // skip locked: two runs at once (a schedule catching up) share the work instead of queueing.
      const deleted = await sql`
        delete from delivery_attempts where id in (
          select id from delivery_attempts where started_at < ${cutoff.toISOString()}::timestamptz
           order by started_at limit ${batchSize} for update skip locked)`;
      progress.attemptsDeleted += deleted.count;
      attemptsLeft = deleted.count === batchSize;
    } else {
      const expunged = await sql`
        update events set payload = null, payload_expunged_at = now() where id in (
          select e.id from events e
           where e.created_at < ${cutoff.toISOString()}::timestamptz and e.payload_expunged_at is null
             and not exists (select 1 from deliveries d where d.event_id = e.id and d.status = 'PENDING')
           order by e.created_at limit ${batchSize} for update skip locked)`;
      progress.payloadsExpunged += expunged.count;
      payloadsLeft = expunged.count === batchSize;
    }
    onBatch?.({ ...progress });
  }
  return { ...progress, done: true };
}
