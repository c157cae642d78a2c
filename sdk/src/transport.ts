// One HTTP exchange with the gateway's /graphql, turned into data or an AcmeError, retried when
// it is safe to: queries always are, and so are mutations whose repetition the gateway dedupes
// (publishing carries an idempotency key). Any other mutation is tried once, since a timeout
// cannot tell "not done" from "done but the answer was lost".
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { ApiError, ConnectionError, errorFromCode, NotFoundError, TimeoutError } from './errors.ts';
import type { components } from './generated/rest.ts';
import { parseRetryAfter, type RetryPolicy, withRetries } from './retry.ts';

export interface TransportConfig {
  apiKey: string;
  baseUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  retryPolicy: RetryPolicy;
}

/** A generated TypedDocumentString: the operation text, typed by its result and variables. */
type Document<R, V> = DocumentTypeDecoration<R, V> & { toString(): string };
type Problem = components['schemas']['Problem'];

interface GraphQLResponseBody {
  data?: unknown;
  errors?: { message?: string; extensions?: Record<string, unknown> }[];
}

export class Transport {
  readonly #config: TransportConfig;
  readonly #url: string;

  constructor(config: TransportConfig) {
    this.#config = config;
    // An empty baseUrl keeps the URL relative: a browser app on the gateway's own origin (the portal).
    this.#url = `${config.baseUrl.replace(/\/+$/, '')}/graphql`;
  }

  /** A query: retried on network errors, 429 and 5xx. */
  query<R, V>(document: Document<R, V>, variables: V): Promise<R> {
    return this.send<R>(document.toString(), variables, { retry: true });
  }

  /** A mutation the gateway does not dedupe: tried once. */
  mutate<R, V>(document: Document<R, V>, variables: V): Promise<R> {
    return this.send<R>(document.toString(), variables, { retry: false });
  }

  /** A mutation whose repetition is harmless (an idempotency key makes it so): retried like a query. */
  mutateIdempotent<R, V>(document: Document<R, V>, variables: V): Promise<R> {
    return this.send<R>(document.toString(), variables, { retry: true });
  }

  send<R>(query: string, variables: unknown, options: { retry: boolean }): Promise<R> {
    return withRetries(() => this.#attempt<R>(query, variables), { retry: options.retry, policy: this.#config.retryPolicy });
  }

  async #attempt<R>(query: string, variables: unknown): Promise<R> {
    const { timeoutMs } = this.#config;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.#config.fetch(this.#url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#config.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new TimeoutError(`No answer from ${this.#url} within ${timeoutMs} ms.`, { code: 'TIMEOUT', cause });
      }
      const reason =
        cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
      throw new ConnectionError(`Could not reach ${this.#url}: ${reason}`, { code: 'CONNECTION_ERROR', cause });
    } finally {
      clearTimeout(timer);
    }
    return readResponse<R>(response, text);
  }
}

/** The data of a GraphQL answer, or the error it (or a proxy, or the HTTP layer) reported. */
export function readResponse<R>(response: Response, text: string): R {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }

  const errors = (body as GraphQLResponseBody | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = errors[0]!;
    const { code, ...details } = first.extensions ?? {};
    throw errorFromCode(typeof code === 'string' ? code : undefined, first.message ?? 'The gateway refused the request.', {
      // Apollo answers most errors with HTTP 200: then the status is the one the code stands for.
      status: response.ok ? undefined : response.status,
      requestId,
      details,
      retryAfterSeconds,
    });
  }
  if (isProblem(body)) {
    const { type: _type, title, status: _status, detail, code, ...details } = body;
    throw errorFromCode(code, detail ?? title, { status: response.status, requestId, details, retryAfterSeconds });
  }
  if (!response.ok) {
    throw errorFromCode(undefined, `The gateway answered HTTP ${response.status}.`, {
      status: response.status,
      requestId,
      retryAfterSeconds,
    });
  }
  const data = (body as GraphQLResponseBody | undefined)?.data;
  if (data === null || typeof data !== 'object') {
    throw new ApiError('The gateway answered without data.', {
      code: 'INTERNAL_SERVER_ERROR',
      status: response.status,
      requestId,
    });
  }
  return data as R;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'status' in body && 'title' in body;
}

/** `value`, or a NotFoundError: the API answers null for what does not exist or is not yours. */
export function orNotFound<T>(value: T | null | undefined, message: string): T {
  if (value === null || value === undefined) throw new NotFoundError(message, { code: 'NOT_FOUND', status: 404 });
  return value;
}
