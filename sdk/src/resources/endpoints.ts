import {
  CreateEndpointDocument,
  DeleteEndpointDocument,
  DeliveryStatsDocument,
  GetEndpointDocument,
  GetEndpointSecretDocument,
  ListEndpointsDocument,
  ListEndpointsWithStatsDocument,
  PauseEndpointDocument,
  ResumeEndpointDocument,
  RetryEndpointNowDocument,
  RotateEndpointSecretDocument,
  SendTestEventDocument,
  UpdateEndpointDocument,
} from '../generated/graphql.ts';
import { type CountParams, iteratePages, type Page, type PageParams, toPage } from '../pagination.ts';
import { orNotFound, type Transport } from '../transport.ts';
import type {
  CreatedEndpoint,
  CreateEndpointInput,
  Delivery,
  DeliveryStats,
  DeliveryStatsFilter,
  Endpoint,
  EndpointFilter,
  EndpointWithStats,
  RotatedSecret,
  UpdateEndpointInput,
} from '../types.ts';

export type ListEndpointsParams = PageParams & CountParams & EndpointFilter;

export interface ListEndpointsWithStatsParams extends ListEndpointsParams {
  /** The window of every endpoint's stats (default: the last 24 hours, by hour). */
  stats?: Omit<DeliveryStatsFilter, 'endpointId'>;
}

export class Endpoints {
  readonly #transport: Transport;
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates an endpoint; keep `secret` (whsec_...): your receiver verifies signatures with it. */
  async create(input: CreateEndpointInput): Promise<CreatedEndpoint> {
    return (await this.#transport.mutate(CreateEndpointDocument, { input })).createEndpoint;
  }

  async get(id: string): Promise<Endpoint> {
    return orNotFound((await this.#transport.query(GetEndpointDocument, { id })).endpoint, `No endpoint ${id}.`);
  }

  async list(params: ListEndpointsParams = {}): Promise<Page<Endpoint>> {
    const { first, after, withTotalCount, ...filter } = params;
    return toPage((await this.#transport.query(ListEndpointsDocument, { first, after, filter, withTotalCount })).endpoints);
  }

  iterate(params: ListEndpointsParams = {}): AsyncGenerator<Endpoint, void, undefined> {
    return iteratePages((page) => this.list(page), params);
  }

  /** A page of endpoints, each with its delivery counts, success rate and latency over one window, in one request. */
  async listWithStats(params: ListEndpointsWithStatsParams = {}): Promise<Page<EndpointWithStats>> {
    const { first, after, withTotalCount, stats, ...filter } = params;
    const variables = { first, after, filter, withTotalCount, ...stats };
    return toPage((await this.#transport.query(ListEndpointsWithStatsDocument, variables)).endpoints);
  }

  /** A new URL is checked again; `status: 'DISABLED'` cancels its pending deliveries. */
  async update(id: string, input: UpdateEndpointInput): Promise<Endpoint> {
    return (await this.#transport.mutate(UpdateEndpointDocument, { id, input })).updateEndpoint;
  }

  /** Its pending deliveries are cancelled; its delivery history is kept. */
  async delete(id: string): Promise<void> {
    await this.#transport.mutate(DeleteEndpointDocument, { id });
  }

  /** Holds its deliveries (none attempted, none dropped) until `resume`. */
  async pause(id: string): Promise<Endpoint> {
    return (await this.#transport.mutate(PauseEndpointDocument, { id })).pauseEndpoint;
  }

  /** Sends what a pause held, and re-enables a disabled endpoint. */
  async resume(id: string): Promise<Endpoint> {
    return (await this.#transport.mutate(ResumeEndpointDocument, { id })).resumeEndpoint;
  }

  /** A new signing secret; the old one keeps signing beside it for `graceSeconds` (default 1 day). */
  async rotateSecret(id: string, options: { graceSeconds?: number } = {}): Promise<RotatedSecret> {
    return (await this.#transport.mutate(RotateEndpointSecretDocument, { id, ...options })).rotateEndpointSecret;
  }

  /** The current signing secret (needs a key with write access). */
  async getSecret(id: string): Promise<string> {
    return (await this.#transport.query(GetEndpointSecretDocument, { endpointId: id })).endpointSecret;
  }

  /** Sends an example event (of `eventType`, or one the endpoint receives); returns its delivery. */
  async sendTestEvent(id: string, options: { eventType?: string } = {}): Promise<Delivery> {
    return (await this.#transport.mutate(SendTestEventDocument, { endpointId: id, ...options })).sendTestEvent;
  }

  /** Skips the wait for every pending retry of the endpoint; returns how many go out now. */
  async retryNow(id: string): Promise<number> {
    return (await this.#transport.mutate(RetryEndpointNowDocument, { endpointId: id })).retryEndpointNow;
  }

  /** Delivery counts, success rate and latency of this endpoint (default: the last 24 hours by hour). */
  async stats(id: string, options: Omit<DeliveryStatsFilter, 'endpointId'> = {}): Promise<DeliveryStats> {
    return (await this.#transport.query(DeliveryStatsDocument, { filter: { ...options, endpointId: id } })).deliveryStats;
  }
}
