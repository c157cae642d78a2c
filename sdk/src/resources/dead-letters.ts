import { ListDeadLettersDocument, ReplayDeadLettersDocument } from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import type { Transport } from '../transport.ts';
import type { Delivery } from '../types.ts';

export interface DeadLetterFilter {
  endpointId?: string;
  /** Only those dead-lettered since then. */
  since?: string | Date;
}

export type ListDeadLettersParams = PageParams & DeadLetterFilter;

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

  /** Replays every dead letter of the tenant, or of one endpoint, optionally only recent ones. */
  async replayAll(filter: DeadLetterFilter = {}): Promise<{ replayedCount: number }> {
    return (await this.#transport.mutate(ReplayDeadLettersDocument, filter)).replayDeadLetters;
  }
}
