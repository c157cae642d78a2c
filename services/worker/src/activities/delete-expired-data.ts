import { type Database, deleteExpiredData as deleteExpired, type RetentionProgress } from '@acme/core';
import { Context } from '@temporalio/activity';

const HEARTBEAT_MS = 5000;
/** One activity works this long at most, then reports back, so the workflow checkpoints progress. */
const BUDGET_MS = 60_000;

/**
 * Deletes data past retention in bounded batches for up to a minute; `done` when nothing old is left.
 * A stopping worker (or a cancellation) ends it after the batch at hand; the workflow carries on elsewhere.
 */
export async function deleteExpiredData(
  database: Database,
  input: { cutoff: string },
  stopping: AbortSignal,
): Promise<RetentionProgress & { done: boolean }> {
  const context = Context.current();
  const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  try {
    return await deleteExpired(database.sql, {
      cutoff: new Date(input.cutoff),
      budgetMs: BUDGET_MS,
      signal: AbortSignal.any([stopping, context.cancellationSignal]),
    });
  } finally {
    clearInterval(heartbeat);
  }
}
