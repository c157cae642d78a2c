import { DeliveryStatsDocument, ViewerDocument } from './generated/graphql.ts';
import { documentSource, type GraphQLDocument, isQueryOnly } from './graphql-document.ts';
import { ApiKeys } from './resources/api-keys.ts';
import { AuditLog } from './resources/audit-log.ts';
import { DeadLetters } from './resources/dead-letters.ts';
import { Deliveries } from './resources/deliveries.ts';
import { Endpoints } from './resources/endpoints.ts';
import { EventTypes } from './resources/event-types.ts';
import { Events } from './resources/events.ts';
import { OperationalEvents } from './resources/operational-events.ts';
import { PortalSessions } from './resources/portal-sessions.ts';
import { Tenants } from './resources/tenants.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { Transport } from './transport.ts';
import type { DeliveryStats, DeliveryStatsFilter, Viewer } from './types.ts';

export interface AcmeWebhooksOptions {
  /** A tenant API key (`acme_sk_...`), the operator key, or a portal session token. */
  apiKey: string;
  /** Where the gateway listens, e.g. `https://webhooks.example.com`; `''` for the page's own origin in a browser. */
  baseUrl: string;
  /** The fetch to use (default: the global one), e.g. to add a proxy or tracing. */
  fetch?: typeof fetch;
  /** How long one HTTP try may take before it counts as a TimeoutError (default 30 000). */
  timeoutMs?: number;
  /** Retries of safe calls after network errors, 429 and 5xx (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** Backoff between retries: doubles from `initialDelayMs` (500) up to `maxDelayMs` (8 000), with jitter. */
  retryBackoff?: { initialDelayMs?: number; maxDelayMs?: number };
}

/**
 * The Acme Webhooks API. Every method returns a promise of typed data or rejects with an
 * AcmeError subclass; every list returns `{ items, pageInfo }` and has an `iterate()`.
 */
export class AcmeWebhooks {
  readonly eventTypes: EventTypes;
  readonly endpoints: Endpoints;
  readonly events: Events;
  readonly deliveries: Deliveries;
  readonly deadLetters: DeadLetters;
  readonly tenants: Tenants;
  readonly apiKeys: ApiKeys;
  readonly portalSessions: PortalSessions;
  readonly auditLog: AuditLog;
  readonly operationalEvents: OperationalEvents;
  readonly #transport: Transport;

  constructor(options: AcmeWebhooksOptions) {
    if (typeof options?.apiKey !== 'string' || options.apiKey === '') throw new TypeError('AcmeWebhooks needs an apiKey.');
    if (typeof options.baseUrl !== 'string') throw new TypeError('AcmeWebhooks needs a baseUrl, e.g. http://127.0.0.1:4000.');
    // Bound: a detached global fetch throws "Illegal invocation" in browsers.
    const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (typeof fetchImpl !== 'function') throw new TypeError('No fetch available: pass one in the options.');
    const retryPolicy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      ...definedOnly({ maxRetries: options.maxRetries, ...options.retryBackoff }),
    };
    for (const [name, value] of Object.entries({ ...retryPolicy, timeoutMs: options.timeoutMs ?? 30_000 })) {
      if (!Number.isFinite(value) || value < 0) throw new TypeError(`AcmeWebhooks option ${name} must be a number ≥ 0.`);
    }
    this.#transport = new Transport({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      fetch: fetchImpl,
      timeoutMs: options.timeoutMs ?? 30_000,
      retryPolicy,
    });
    this.eventTypes = new EventTypes(this.#transport);
    this.endpoints = new Endpoints(this.#transport);
    this.events = new Events(this.#transport);
    this.deliveries = new Deliveries(this.#transport);
    this.deadLetters = new DeadLetters(this.#transport);
    this.tenants = new Tenants(this.#transport);
    this.apiKeys = new ApiKeys(this.#transport);
    this.portalSessions = new PortalSessions(this.#transport);
    this.auditLog = new AuditLog(this.#transport);
    this.operationalEvents = new OperationalEvents(this.#transport);
  }

  /** Who is calling: the operator, or a tenant with its key's scopes (and consumer, for a portal session). */
  async viewer(): Promise<Viewer> {
    return (await this.#transport.query(ViewerDocument, {})).viewer;
  }

  /** Delivery counts by status over time, success rate and attempt latency, for the tenant or one endpoint. */
  async stats(filter: DeliveryStatsFilter = {}): Promise<DeliveryStats> {
    return (await this.#transport.query(DeliveryStatsDocument, { filter })).deliveryStats;
  }

  /**
   * Any operation of the API, typed by its document: a string, or a TypedDocumentString /
   * TypedDocumentNode from graphql-codegen. Queries are retried like the SDK's own; mutations are not.
   */
  graphql<TResult = any, TVariables = Record<string, unknown>>(
    document: GraphQLDocument<TResult, TVariables>,
    ...[variables]: Record<never, never> extends TVariables ? [variables?: TVariables] : [variables: TVariables]
  ): Promise<TResult> {
    const source = documentSource(document);
    return this.#transport.send<TResult>(source, variables ?? {}, { retry: isQueryOnly(source) });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
