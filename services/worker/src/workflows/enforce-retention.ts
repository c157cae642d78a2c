import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';

// Each activity deletes for up to a minute and heartbeats; a worker dying mid-way loses at most
// one batch of progress (deletes are idempotent), and another worker carries on.
const { deleteExpiredData } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '5s', maximumInterval: '1m' },
});

export interface EnforceRetentionInput {
  /** How long attempt logs and event payloads are kept. */
  retentionMs: number;
  /** Fixed by the first run; carried across continue-as-new so one pass has one cutoff. */
  cutoff?: string;
  totals?: RetentionTotals;
}

export interface RetentionTotals {
  attemptsDeleted: number;
  payloadsExpunged: number;
}

/**
 * One retention pass, started by the retention schedule: deletes attempt logs and expunges event
 * payloads older than the retention period, a bounded batch at a time, until none are left.
 */
export async function enforceRetention(input: EnforceRetentionInput): Promise<RetentionTotals> {
  const cutoff = input.cutoff ?? new Date(Date.now() - input.retentionMs).toISOString();
  const totals = { attemptsDeleted: 0, payloadsExpunged: 0, ...input.totals };
  for (;;) {
    const batch = await deleteExpiredData({ cutoff });
    totals.attemptsDeleted += batch.attemptsDeleted;
    totals.payloadsExpunged += batch.payloadsExpunged;
    if (batch.done) return totals;
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof enforceRetention>({ retentionMs: input.retentionMs, cutoff, totals });
    }
  }
}
