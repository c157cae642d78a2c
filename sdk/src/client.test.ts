// The client's own logic (retries, backoff, error mapping, idempotency keys) against an injected
// fetch that fails on purpose. The real gateway is exercised in test/e2e/sdk.
import { describe, expect, it } from 'vitest';
import { AcmeWebhooks } from './client.ts';
import {
  AcmeError,
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  RateLimitError,
  TimeoutError,
} from './errors.ts';

type Answer = Response | Error | 'hang';

/** A fetch that answers from a script, one entry per call, and records what it was sent. */
function scriptedFetch(...script: (Answer | (() => Answer))[]) {
  const calls: { url: string; body: any; headers: Record<string, string> }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(url), body: JSON.parse(String(init?.body)), headers: init?.headers as Record<string, string> });
    const next = script[Math.min(calls.length - 1, script.length - 1)]!;
    const answer = typeof next === 'function' ? next() : next;
    if (answer === 'hang') {
      return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    if (answer instanceof Error) throw answer;
    return answer.clone();
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const gqlError = (code: string, extensions: Record<string, unknown> = {}, status = 200, headers: Record<string, string> = {}) =>
  json({ errors: [{ message: `failed: ${code}`, extensions: { code, ...extensions } }], data: null }, status, headers);
const networkError = () => new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
const viewer = json({ data: { viewer: { isOperator: true, tenant: null, apiKey: null, scopes: [], consumerId: null } } });
const published = json({ data: { publishEvent: { event: { id: 'evt_1' }, deliveries: [] } } });

function client(fetch: typeof globalThis.fetch, options: { maxRetries?: number; timeoutMs?: number } = {}) {
  return new AcmeWebhooks({
    apiKey: 'acme_sk_test',
    baseUrl: 'http://gateway.test/',
    fetch,
    retryBackoff: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

describe('requests', () => {
  it('POSTs the operation to /graphql with the key as a bearer token', async () => {
    const { fetch, calls } = scriptedFetch(viewer);
    await expect(client(fetch).viewer()).resolves.toMatchObject({ isOperator: true });
    expect(calls[0]!.url).toBe('http://gateway.test/graphql');
    expect(calls[0]!.headers.authorization).toBe('Bearer acme_sk_test');
    expect(calls[0]!.body.query).toMatch(/^\s*query Viewer/);
  });

  it('refuses to start without an apiKey or with a negative option', () => {
    expect(() => new AcmeWebhooks({ apiKey: '', baseUrl: 'http://x' })).toThrow(TypeError);
    expect(() => new AcmeWebhooks({ apiKey: 'k', baseUrl: 'http://x', maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new AcmeWebhooks({ apiKey: 'k', baseUrl: 'http://x', timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
  });
});

describe('retries', () => {
  it('retries a query after a network error, then returns its data', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), viewer);
    await expect(client(fetch).viewer()).resolves.toMatchObject({ isOperator: true });
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['HTTP 503', () => new Response('upstream down', { status: 503 })],
    ['HTTP 502 from a proxy with an HTML body', () => new Response('<html>bad gateway</html>', { status: 502 })],
    ['INTERNAL_SERVER_ERROR', () => gqlError('INTERNAL_SERVER_ERROR')],
    ['HTTP 429', () => new Response('', { status: 429 })],
    ['RATE_LIMITED', () => gqlError('RATE_LIMITED', { retryAfterSeconds: 0 })],
  ])('retries a query after %s', async (_, failure) => {
    const { fetch, calls } = scriptedFetch(failure, viewer);
    await expect(client(fetch).viewer()).resolves.toMatchObject({ isOperator: true });
    expect(calls).toHaveLength(2);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { fetch, calls } = scriptedFetch(new Response('down', { status: 503 }));
    const error = await client(fetch, { maxRetries: 3 })
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503 });
    expect(calls).toHaveLength(4);
  });

  it('does not retry at all with maxRetries 0', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), viewer);
    await expect(client(fetch, { maxRetries: 0 }).viewer()).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(1);
  });

  it('never retries a refusal', async () => {
    const { fetch, calls } = scriptedFetch(gqlError('BAD_USER_INPUT', { field: 'url' }), viewer);
    await expect(client(fetch).viewer()).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls).toHaveLength(1);
  });

  it('never retries a mutation that is not idempotent: a lost answer may mean it was done', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), json({ data: { createEndpoint: {} } }));
    await expect(client(fetch).endpoints.create({ url: 'https://example.com/hook' })).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(1);
  });

  it('retries a publish with the same generated idempotency key each time', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), new Response('', { status: 503 }), published);
    await expect(client(fetch).events.publish({ eventType: 'invoice.paid', payload: { a: 1 } })).resolves.toMatchObject({
      event: { id: 'evt_1' },
    });
    expect(calls).toHaveLength(3);
    const keys = calls.map((c) => c.body.variables.input.idempotencyKey);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
  });

  it('keeps an idempotency key the caller gave, and gives each event of a batch its own', async () => {
    const { fetch, calls } = scriptedFetch(published, json({ data: { publishEvents: { results: [] } } }));
    const acme = client(fetch);
    await acme.events.publish({ eventType: 'invoice.paid', payload: {}, idempotencyKey: 'invoice-42' });
    await acme.events.publishBatch([
      { eventType: 'invoice.paid', payload: {} },
      { eventType: 'invoice.paid', payload: {}, idempotencyKey: 'mine' },
      { eventType: 'invoice.paid', payload: {} },
    ]);
    expect(calls[0]!.body.variables.input.idempotencyKey).toBe('invoice-42');
    const keys = calls[1]!.body.variables.input.events.map((e: { idempotencyKey: string }) => e.idempotencyKey);
    expect(keys[1]).toBe('mine');
    expect(new Set(keys).size).toBe(3);
  });

  it('waits as long as Retry-After says before trying again', async () => {
    const { fetch, calls } = scriptedFetch(new Response('', { status: 429, headers: { 'retry-after': '1' } }), viewer);
    const started = Date.now();
    await client(fetch).viewer();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(calls).toHaveLength(2);
  });

  it('does not wait out a Retry-After over a minute: the caller gets the RateLimitError', async () => {
    const { fetch, calls } = scriptedFetch(gqlError('RATE_LIMITED', { retryAfterSeconds: 3600 }), viewer);
    const error = await client(fetch)
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterSeconds).toBe(3600);
    expect(calls).toHaveLength(1);
  });

  it('turns an answer slower than timeoutMs into a TimeoutError, and retries it for a query', async () => {
    const { fetch, calls } = scriptedFetch('hang', viewer);
    await expect(client(fetch, { timeoutMs: 50 }).viewer()).resolves.toMatchObject({ isOperator: true });
    expect(calls).toHaveLength(2);
    const { fetch: hanging } = scriptedFetch('hang');
    const error = await client(hanging, { timeoutMs: 50, maxRetries: 0 })
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('TIMEOUT');
  });
});

describe('errors', () => {
  it.each([
    ['UNAUTHENTICATED', AuthenticationError, 401],
    ['FORBIDDEN', PermissionError, 403],
    ['NOT_FOUND', NotFoundError, 404],
    ['BAD_USER_INPUT', InvalidRequestError, 400],
    ['GRAPHQL_VALIDATION_FAILED', InvalidRequestError, 400],
    ['CONFLICT', ConflictError, 409],
    ['PAYLOAD_TOO_LARGE', PayloadTooLargeError, 413],
    ['RATE_LIMITED', RateLimitError, 429],
    ['INTERNAL_SERVER_ERROR', ApiError, 500],
  ] as const)('maps extensions.code %s to %o with status %i', async (code, type, status) => {
    const { fetch } = scriptedFetch(gqlError(code));
    const error = await client(fetch, { maxRetries: 0 })
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(AcmeError);
    expect(error).toMatchObject({ code, status, message: `failed: ${code}`, name: type.name });
  });

  it('keeps the field at fault, the other extensions and the request id', async () => {
    const { fetch } = scriptedFetch(gqlError('BAD_USER_INPUT', { field: 'url' }, 200, { 'x-request-id': 'req-7' }));
    const error = await client(fetch)
      .endpoints.create({ url: 'nope' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ field: 'url', requestId: 'req-7', details: { field: 'url' } });
  });

  it('reads problem+json answers, as REST and the HTTP layer send them', async () => {
    const problem = (body: object, status: number, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } });
    const { fetch } = scriptedFetch(
      problem({ type: 'about:blank', title: 'PAYLOAD_TOO_LARGE', status: 413, detail: 'Request body is too large' }, 413),
      problem({ type: 'x', title: 'RATE_LIMITED', status: 429, detail: 'Slow down', code: 'RATE_LIMITED' }, 429, {
        'retry-after': '120',
      }),
    );
    const acme = client(fetch, { maxRetries: 0 });
    await expect(acme.viewer()).rejects.toMatchObject({
      name: 'PayloadTooLargeError',
      status: 413,
      message: 'Request body is too large',
    });
    await expect(acme.viewer()).rejects.toMatchObject({ name: 'RateLimitError', retryAfterSeconds: 120, code: 'RATE_LIMITED' });
  });

  it('maps an unknown code by its HTTP status', async () => {
    const { fetch } = scriptedFetch(gqlError('SOMETHING_NEW', {}, 403));
    await expect(client(fetch).viewer()).rejects.toMatchObject({ name: 'PermissionError', code: 'SOMETHING_NEW', status: 403 });
  });

  it('reports an unreachable gateway as a ConnectionError that says why', async () => {
    const { fetch } = scriptedFetch(networkError());
    const error = await client(fetch, { maxRetries: 0 })
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('CONNECTION_ERROR');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('turns a null from a get into a NotFoundError', async () => {
    const { fetch } = scriptedFetch(json({ data: { endpoint: null } }));
    await expect(client(fetch).endpoints.get('ep_missing')).rejects.toMatchObject({
      name: 'NotFoundError',
      code: 'NOT_FOUND',
      status: 404,
    });
  });

  it('reports an answer without data as an ApiError', async () => {
    const { fetch } = scriptedFetch(json({}));
    await expect(client(fetch, { maxRetries: 0 }).viewer()).rejects.toBeInstanceOf(ApiError);
  });
});

describe('acme.graphql', () => {
  it('sends a string query with its variables and retries it like any query', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), json({ data: { endpoint: { id: 'ep_1' } } }));
    const data = await client(fetch).graphql<{ endpoint: { id: string } }>('query($id: ID!) { endpoint(id: $id) { id } }', {
      id: 'ep_1',
    });
    expect(data.endpoint.id).toBe('ep_1');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body).toEqual({ query: 'query($id: ID!) { endpoint(id: $id) { id } }', variables: { id: 'ep_1' } });
  });

  it('tries a string mutation only once', async () => {
    const { fetch, calls } = scriptedFetch(networkError(), json({ data: {} }));
    await expect(client(fetch).graphql('mutation { deleteEndpoint(id: "ep_1") }')).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toHaveLength(1);
  });
});

describe('idempotency keys without crypto.randomUUID (a browser page on plain http)', () => {
  it('still generates a v4 UUID', async () => {
    const original = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const { fetch, calls } = scriptedFetch(published);
      await client(fetch).events.publish({ eventType: 'invoice.paid', payload: {} });
      expect(calls[0]!.body.variables.input.idempotencyKey).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: original, configurable: true });
    }
  });
});

describe('deadLetters.replayAll', () => {
  const batch = (ids: string[], remainingCount: number) =>
    json({ data: { replayDeadLetters: { replayedCount: ids.length, deliveryIds: ids, remainingCount } } });

  it('calls again while the API says dead letters are left, and stops at those that matched at the start', async () => {
    // 2 + 2 + 1 matched; the last call reports newcomers (failed again meanwhile), which are not chased.
    const { fetch, calls } = scriptedFetch(batch(['d2', 'd1'], 3), batch(['d4', 'd3'], 1), batch(['d5'], 4));
    const replayed = await client(fetch).deadLetters.replayAll({ endpointId: 'ep_1' });
    expect(replayed).toEqual({ replayedCount: 5, deliveryIds: ['d5', 'd4', 'd3', 'd2', 'd1'] });
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.body.variables.endpointId === 'ep_1')).toBe(true);
  });
});
