import { Pool } from 'undici';
import { EVENT_TYPE } from './gateway-client.ts';

/** What each benchmark event carries: small, like most real webhooks. */
export function benchPayload(seq: number) {
  return { invoiceId: `inv_${seq}`, amount: 4200, currency: 'EUR', customer: { id: `cus_${seq % 1000}`, country: 'FR' } };
}

export interface PublishItem {
  consumerId?: string | undefined;
  seq: number;
}

export class PublishError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`${status}: ${detail}`);
  }
}

/** How many events go into one batch request, and through which door. */
export type BatchMode =
  | { kind: 'rest'; size: number }
  | { kind: 'graphql-aliases'; size: number }
  | { kind: 'none'; reason: string };

/**
 * The load generator's HTTP side: one undici keep-alive pool to the API, publishing over REST, one
 * event per request or a batch per request.
 */
export class Publisher {
  private readonly pool: Pool;
  private readonly authorization: string;

  constructor(url: string, token: string, connections: number) {
    this.pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.authorization = `Bearer ${token}`;
  }

  /** `POST /v1/events`; resolves with the event id. */
  async publish(item: PublishItem): Promise<string> {
    const body = JSON.stringify({ eventType: EVENT_TYPE, payload: benchPayload(item.seq), consumerId: item.consumerId });
    const { statusCode, body: responseBody } = await this.pool.request({
      method: 'POST',
      path: '/v1/events',
      headers: { 'content-type': 'application/json', authorization: this.authorization },
      body,
    });
    const text = await responseBody.text();
    if (statusCode !== 202 && statusCode !== 200) throw new PublishError(statusCode, text.slice(0, 300));
    return (JSON.parse(text) as { id: string }).id;
  }

  /** Several events in one request, through whichever batch door the gateway has; ids in order. */
  async publishBatch(mode: BatchMode, items: PublishItem[]): Promise<string[]> {
    if (mode.kind === 'rest') return this.publishRestBatch(items);
    if (mode.kind === 'graphql-aliases') return this.publishGraphqlAliases(items);
    throw new Error(`No batch publish: ${mode.reason}`);
  }

  /**
   * Which batch door to use: `POST /v1/events/batch` when the gateway has it; else one GraphQL request
   * carrying one aliased publishEvent per event; else none.
   */
  async detectBatchMode(size: number): Promise<BatchMode> {
    const probe = [{ seq: -1 }];
    try {
      await this.publishRestBatch(probe);
      return { kind: 'rest', size };
    } catch (err) {
      if (!(err instanceof PublishError) || (err.status !== 404 && err.status !== 405)) {
        return { kind: 'none', reason: `POST /v1/events/batch failed: ${(err as Error).message}` };
      }
    }
    try {
      await this.publishGraphqlAliases(probe);
      return { kind: 'graphql-aliases', size };
    } catch (err) {
      return { kind: 'none', reason: `no POST /v1/events/batch (404), and GraphQL aliases failed: ${(err as Error).message}` };
    }
  }

  private async publishRestBatch(items: PublishItem[]): Promise<string[]> {
    const body = JSON.stringify({
      events: items.map((i) => ({ eventType: EVENT_TYPE, payload: benchPayload(i.seq), consumerId: i.consumerId })),
    });
    const { statusCode, body: responseBody } = await this.pool.request({
      method: 'POST',
      path: '/v1/events/batch',
      headers: { 'content-type': 'application/json', authorization: this.authorization },
      body,
    });
    const text = await responseBody.text();
    if (statusCode !== 202 && statusCode !== 200) throw new PublishError(statusCode, text.slice(0, 300));
    return (JSON.parse(text) as { events: { id: string }[] }).events.map((e) => e.id);
  }

  private async publishGraphqlAliases(items: PublishItem[]): Promise<string[]> {
    const declarations = items.map((_, i) => `$i${i}: PublishEventInput!`).join(', ');
    const fields = items.map((_, i) => `e${i}: publishEvent(input: $i${i}) { event { id } }`).join(' ');
    const variables = Object.fromEntries(
      items.map((item, i) => [
        `i${i}`,
        { eventType: EVENT_TYPE, payload: benchPayload(item.seq), consumerId: item.consumerId ?? null },
      ]),
    );
    const { statusCode, body: responseBody } = await this.pool.request({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: this.authorization },
      body: JSON.stringify({ query: `mutation(${declarations}) { ${fields} }`, variables }),
    });
    const text = await responseBody.text();
    const parsed = JSON.parse(text) as { data?: Record<string, { event: { id: string } }>; errors?: { message: string }[] };
    if (statusCode !== 200 || parsed.errors?.length || !parsed.data) {
      throw new PublishError(statusCode, parsed.errors?.map((e) => e.message).join('; ') ?? text.slice(0, 300));
    }
    const data = parsed.data;
    return items.map((_, i) => (data[`e${i}`] as { event: { id: string } }).event.id);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
