import {
  GetDeliveryDocument,
  ListDeliveriesDocument,
  ReplayDeliveryDocument,
  RetryDeliveryNowDocument,
} from '../generated/graphql.ts';
import { type CountParams, iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import { orNotFound, type Transport } from '../transport.ts';
import type { Delivery, DeliveryFilter, DeliveryWithAttempts } from '../types.ts';

export type ListDeliveriesParams = PageParams & CountParams & DeliveryFilter;

export class Deliveries {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The delivery with every attempt: when, how long, the response, the outcome and a hint. */
  async get(id: string): Promise<DeliveryWithAttempts> {
    return orNotFound((await this.#transport.query(GetDeliveryDocument, { id })).delivery, `No delivery ${id}.`);
  }

  async list(params: ListDeliveriesParams = {}): Promise<Page<Delivery>> {
    const { first, after, withTotalCount, ...filter } = params;
    return toPage((await this.#transport.query(ListDeliveriesDocument, { first, after, filter, withTotalCount })).deliveries);
  }

  iterate(params: ListDeliveriesParams = {}): AsyncGenerator<Delivery, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  /** Sends a finished delivery again: same webhook-id, a fresh retry schedule. */
  async replay(id: string): Promise<Delivery> {
    return (await this.#transport.mutate(ReplayDeliveryDocument, { id })).replayDelivery;
  }

  /** Skips the wait: the pending retry goes out now. */
  async retryNow(id: string): Promise<Delivery> {
    return (await this.#transport.mutate(RetryDeliveryNowDocument, { id })).retryDeliveryNow;
  }
}
