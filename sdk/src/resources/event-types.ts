import {
  ArchiveEventTypeDocument,
  CreateEventTypeDocument,
  GetEventTypeDocument,
  ListEventTypesDocument,
  UnarchiveEventTypeDocument,
  UpdateEventTypeDocument,
} from '../generated/graphql.ts';
import { iteratePages, type Page } from '../pagination.ts';
import { orNotFound, type Transport } from '../transport.ts';
import type { CreateEventTypeInput, EventType, UpdateEventTypeInput } from '../types.ts';

export interface ListEventTypesParams {
  includeArchived?: boolean;
}

/** Event types, addressed by name (`invoice.paid`). */
export class EventTypes {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** `schema`, when given, is a JSON Schema every published payload of this type must match. */
  async create(input: CreateEventTypeInput): Promise<EventType> {
    return (await this.#transport.mutate(CreateEventTypeDocument, { input })).createEventType;
  }

  /** Every event type by name, in one page (the API does not page them). */
  async list(params: ListEventTypesParams = {}): Promise<Page<EventType>> {
    const { eventTypes } = await this.#transport.query(ListEventTypesDocument, params);
    return { items: eventTypes, pageInfo: { hasNextPage: false, endCursor: null } };
  }

  iterate(params: ListEventTypesParams = {}): AsyncGenerator<EventType, void, undefined> {
    return iteratePages(() => this.list(params), {});
  }

  async get(name: string): Promise<EventType> {
    return orNotFound((await this.#transport.query(GetEventTypeDocument, { name })).eventType, `No event type ${name}.`);
  }

  async update(name: string, input: UpdateEventTypeInput): Promise<EventType> {
    return (await this.#transport.mutate(UpdateEventTypeDocument, { name, input })).updateEventType;
  }

  /** An archived type can no longer be published; its events and endpoint filters are kept. */
  async archive(name: string): Promise<EventType> {
    return (await this.#transport.mutate(ArchiveEventTypeDocument, { name })).archiveEventType;
  }

  async unarchive(name: string): Promise<EventType> {
    return (await this.#transport.mutate(UnarchiveEventTypeDocument, { name })).unarchiveEventType;
  }
}
