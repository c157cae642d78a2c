import type postgres from 'postgres';

/** Dispatchers LISTEN on this channel; a publish NOTIFYs it once its transaction has committed. */
export const DELIVERIES_CHANNEL = 'acme_deliveries';

/**
 * A notice on the same channel about one endpoint (`pause:<id>`, `resume:<id>`): the dispatchers
 * tell its workflow at once, so the workflow lets go of a paused (or disabled, or deleted) endpoint
 * and takes a resumed one back without waiting for its timer or the hand-off sweep. Sent inside the
 * transaction that makes the change (rare, unlike publishes), so it arrives only if that commits.
 */
export function endpointNotice(change: 'pause' | 'resume', endpointId: string): string {
  return `${change}:${endpointId}`;
}

export function parseEndpointNotice(payload: string): { change: 'pause' | 'resume'; endpointId: string } | null {
  const match = /^(pause|resume):(.+)$/.exec(payload);
  return match ? { change: match[1] as 'pause' | 'resume', endpointId: match[2] as string } : null;
}

const state = new WeakMap<postgres.Sql, { inFlight: boolean; again: boolean }>();

/**
 * Wakes the dispatchers after a publish has committed. Not inside the publish transaction: Postgres
 * serialises the commits of every transaction that NOTIFYs (a global lock held through the WAL
 * flush), which capped publishing near 1/fsync (measured: 2,184 inserting transactions/s at
 * concurrency 16, 923/s when each also NOTIFYs). Coalesced: at most one NOTIFY in flight per
 * process, and one more after it if publishes committed meanwhile. A NOTIFY lost to a crash costs
 * at most the dispatchers' poll interval (1 s): the delivery rows are already committed.
 */
export function wakeDispatchers(sql: postgres.Sql): void {
  const s = state.get(sql) ?? { inFlight: false, again: false };
  state.set(sql, s);
  if (s.inFlight) {
    s.again = true;
    return;
  }
  s.inFlight = true;
  const send = (): void => {
    s.again = false;
    sql
      .notify(DELIVERIES_CHANNEL, '')
      .catch(() => {
        // The dispatchers' poll finds the rows anyway.
      })
      .finally(() => {
        if (s.again) send();
        else s.inFlight = false;
      });
  };
  send();
}
