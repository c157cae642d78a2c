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

  /** Replays every dead letter of the tenant, or of one endpoint, optionally only those of a time range. */
  async replayAll(filter: DeadLetterFilter = {}): Promise<ReplayedDeadLetters> {
    return (await this.#transport.mutate(ReplayDeadLettersDocument, filter)).replayDeadLetters;
  }
}
