// Follows the deliveries a bulk replay queued, however many: each poll reads a few batches of the
// ones still pending (round robin), so a replay of 10,000 costs a bounded number of requests per poll
// and fewer as they finish. Pure bookkeeping, unit-tested; the component does the fetching.
import type { DeliveryStatus } from '@acme/webhooks-sdk';

/** The API reads at most this many deliveries by id at once. */
export const BATCH_SIZE = 100;
/** Batches read per poll: 500 deliveries, in parallel requests. */
export const BATCHES_PER_POLL = 5;

export interface ReplayProgressCounts {
  total: number;
  succeeded: number;
  /** Dead-lettered again, or cancelled (the endpoint was disabled or deleted meanwhile). */
  failed: number;
  pending: number;
  /** No longer visible to this key (its endpoint changed consumer): not followed further. */
  gone: number;
  /** Read at least once: until the first sweep is over, `pending` is partly unknown. */
  seen: number;
}

export class ReplayTracker {
  readonly #total: number;
  #pending: string[];
  #cursor = 0;
  #succeeded = 0;
  #failed = 0;
  #gone = 0;
  readonly #seen = new Set<string>();

  constructor(ids: readonly string[]) {
    this.#pending = [...new Set(ids)];
    this.#total = this.#pending.length;
  }

  /** The next ids to read, in batches: from where the last poll stopped, wrapping around. */
  nextBatches(batches = BATCHES_PER_POLL, size = BATCH_SIZE): string[][] {
    const take = Math.min(this.#pending.length, batches * size);
    const ids: string[] = [];
    for (let i = 0; i < take; i++) ids.push(this.#pending[(this.#cursor + i) % this.#pending.length]!);
    this.#cursor = this.#pending.length ? (this.#cursor + take) % this.#pending.length : 0;
    const out: string[][] = [];
    for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
    return out;
  }

  /**
   * Takes what a poll read. `asked` are the ids of the batches read: one that did not come back is
   * no longer visible to this key (its endpoint's consumer changed) and stops being followed.
   */
  record(asked: readonly string[], read: readonly { id: string; status: DeliveryStatus }[]): void {
    const byId = new Map(read.map((d) => [d.id, d.status]));
    const finished = new Set<string>();
    for (const id of asked) {
      this.#seen.add(id);
      const status = byId.get(id);
      if (status === 'PENDING') continue;
      finished.add(id);
      if (status === 'SUCCEEDED') this.#succeeded++;
      else if (status === undefined) this.#gone++;
      else this.#failed++;
    }
    if (finished.size === 0) return;
    const before = this.#pending.slice(0, this.#cursor).filter((id) => finished.has(id)).length;
    this.#pending = this.#pending.filter((id) => !finished.has(id));
    this.#cursor = this.#pending.length ? (this.#cursor - before) % this.#pending.length : 0;
  }

  counts(): ReplayProgressCounts {
    return {
      total: this.#total,
      succeeded: this.#succeeded,
      failed: this.#failed,
      pending: this.#pending.length,
      gone: this.#gone,
      seen: this.#seen.size,
    };
  }
}
