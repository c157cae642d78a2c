import { ListDeadLettersDocument, ReplayDeadLettersDocument } from '../generated/graphql.ts';
import { type CountParams, iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import type { Transport } from '../transport.ts';
import type { Delivery } from '../types.ts';

export interface DeadLetterFilter {
  endpointId?: string;
  /** Only those dead-lettered since then. */
  since?: string | Date;
  /** Only those dead-lettered before then. */
  until?: string | Date;
}

export type ListDeadLettersParams = PageParams & CountParams & DeadLetterFilter;

export interface ReplayedDeadLetters {
  replayedCount: number;
  /** The deliveries queued again, newest first: follow them with `deliveries.list({ ids })`, 100 at a time. */
  deliveryIds: string[];
}

/** Deliveries whose retries ran out. Replay one with `deliveries.replay(id)`. */
export class DeadLetters {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async list(params: ListDeadLettersParams = {}): Promise<Page<Delivery>> {
    return toPage((await this.#transport.query(ListDeadLettersDocument, params)).deadLetters);
  }

  iterate(params: ListDeadLettersParams = {}): AsyncGenerator<Delivery, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  /**
   * Replays every dead letter of the tenant, or of one endpoint, optionally only those of a time range.
   * The API replays at most 5,000 per call; this calls again until the dead letters that matched at
   * the start are all replayed (not those that fail again meanwhile, which would never end).
   */
  async replayAll(filter: DeadLetterFilter = {}): Promise<ReplayedDeadLetters> {
    const replay = async () => (await this.#transport.mutate(ReplayDeadLettersDocument, filter)).replayDeadLetters;
    const first = await replay();
    let left = first.remainingCount;
    const batches = [first.deliveryIds];
    while (left > 0) {
      const next = await replay();
      if (next.replayedCount === 0) break;
      batches.unshift(next.deliveryIds);
      left = Math.min(left - next.replayedCount, next.remainingCount);
    }
    const deliveryIds = batches.flat();
    return { replayedCount: deliveryIds.length, deliveryIds };
  }
}
