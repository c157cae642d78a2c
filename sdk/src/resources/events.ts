import {
  ExpungeEventPayloadDocument,
  GetEventDocument,
  ListEventsDocument,
  PublishEventDocument,
  PublishEventsDocument,
} from '../generated/graphql.ts';
import { iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import { orNotFound, type Transport } from '../transport.ts';
import type { Event, EventFilter, EventWithDeliveries, PublishEventInput, PublishResult } from '../types.ts';

export type ListEventsParams = PageParams & EventFilter;

export class Events {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Stores the event and one delivery per subscribed endpoint; once this resolves the event cannot
   * be lost. Without an `idempotencyKey` one is generated, so that the SDK's own retries of a
   * publish whose answer was lost return the first event instead of storing it twice.
   */
  async publish(input: PublishEventInput): Promise<PublishResult> {
    const variables = { input: withIdempotencyKey(input) };
    return (await this.#transport.mutateIdempotent(PublishEventDocument, variables)).publishEvent;
  }

  /** Up to 100 events, all stored or none; one result per event, in order. */
  async publishBatch(events: PublishEventInput[]): Promise<PublishResult[]> {
    const variables = { input: { events: events.map(withIdempotencyKey) } };
    return (await this.#transport.mutateIdempotent(PublishEventsDocument, variables)).publishEvents.results;
  }

  /** The event with every delivery it made (one per endpoint it went to). */
  async get(id: string): Promise<EventWithDeliveries> {
    return orNotFound((await this.#transport.query(GetEventDocument, { id })).event, `No event ${id}.`);
  }

  async list(params: ListEventsParams = {}): Promise<Page<Event>> {
    const { first, after, ...filter } = params;
    return toPage((await this.#transport.query(ListEventsDocument, { first, after, filter })).events);
  }

  iterate(params: ListEventsParams = {}): AsyncGenerator<Event, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  /** Deletes the payload now; the event, its deliveries and attempt log stay, without the body. */
  async expungePayload(id: string): Promise<Event> {
    return (await this.#transport.mutate(ExpungeEventPayloadDocument, { id })).expungeEventPayload;
  }
}

function withIdempotencyKey(input: PublishEventInput): PublishEventInput {
  return input.idempotencyKey ? input : { ...input, idempotencyKey: randomUuid() };
}

/** A v4 UUID. Browsers offer randomUUID only on https (and localhost); getRandomValues works everywhere. */
function randomUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
