import { ListOperationalEventsDocument } from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import type { Transport } from '../transport.ts';
import type { OperationalEvent, OperationalEventFilter } from '../types.ts';

export type ListOperationalEventsParams = PageParams & OperationalEventFilter;

/** What the gateway did on its own: endpoints disabled or recovered, deliveries dead-lettered. */
export class OperationalEvents {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  async list(params: ListOperationalEventsParams = {}): Promise<Page<OperationalEvent>> {
    const { first, after, ...filter } = params;
    return toPage((await this.#transport.query(ListOperationalEventsDocument, { first, after, filter })).operationalEvents);
  }

  iterate(params: ListOperationalEventsParams = {}): AsyncGenerator<OperationalEvent, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }
}
