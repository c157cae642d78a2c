import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, logLines, spawnApi } from '../support/cli-process.ts';
import { connectTestDatabase } from '../support/database.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type CollectedSpan, type OtlpCollector, startOtlpCollector } from '../support/otlp-collector.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, type TestTenant } from '../support/scenario.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// OpenTelemetry traces from real `api` and `worker` processes, exported over OTLP/HTTP JSON to a
// collector on loopback: one published event is one trace, from the caller's span through the
// publish, the first attempt on the fast path and the retry in its endpoint's workflow.

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const ERROR = 2;

let gateway: TestGateway;
let sql: postgres.Sql;
let collector: OtlpCollector;
let receiver: Receiver;
let tenant: TestTenant;
let api: ApiProcess;
let worker: WorkerProcess;
let apiUrl: string;

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s' }, { worker: false });
  sql = connectTestDatabase(gateway.databaseUrl);
  collector = await startOtlpCollector();
  const tracing = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Export within a fifth of a second rather than the SDK's five.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    LOG_LEVEL: 'info',
  };
  api = spawnApi({ ...gateway.env, ...tracing });
  worker = spawnWorker({ ...gateway.env, ...tracing });
  await worker.ready;
  apiUrl = await api.url;
  for (let ok = false; !ok; await new Promise((r) => setTimeout(r, 200))) {
    if (api.child.exitCode !== null) throw new Error(api.output());
    ok = await fetch(`${apiUrl}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
  }
  tenant = await createTenantWithEventType(gateway);
  // Fails the first attempt, so the event's second attempt is a retry in the endpoint's workflow.
  receiver = await startReceiver((_, i) => (i === 0 ? { status: 500 } : { status: 200 }));
}, 180_000);

afterAll(async () => {
  api?.child.kill('SIGKILL');
  worker?.child.kill('SIGKILL');
  await receiver?.close();
  await collector?.close();
  await sql?.end();
  await gateway?.stop();
});

async function eventually<T>(find: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; spans so far: ${JSON.stringify(collector.spans)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tracing, with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('makes one trace of a published event: the caller, the publish, the first attempt and the retry through the workflow', async () => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: `${receiver.url}?token=s3cret` });
    // The tenant's backend is tracing too: its span is the parent of ours.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const published = await fetch(`${apiUrl}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tenant.token}`,
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
      },
      body: JSON.stringify({ eventType: 'invoice.paid', payload: { invoice: 42 } }),
    });
    expect(published.status).toBe(202);
    const { id: eventId, deliveryIds } = (await published.json()) as { id: string; deliveryIds: string[] };
    const deliveryId = deliveryIds[0]!;

    const inTrace = () => collector.spans.filter((s) => s.traceId === callerTrace);
    const attempts = await eventually(() => {
      const found = inTrace().filter((s) => s.name === 'deliver' && s.attributes['acme.delivery.id'] === deliveryId);
      const requests = inTrace().filter((s) => s.kind === CLIENT && found.some((a) => a.spanId === s.parentSpanId));
      return found.length === 2 && requests.length === 2 ? found : undefined;
    }, 'both attempts of the delivery to be exported');

    const server = inTrace().find((s) => s.kind === SERVER)!;
    expect(server).toMatchObject({
      service: 'acme-webhooks-api',
      name: 'POST /v1/events',
      parentSpanId: callerSpan,
      attributes: { 'http.request.method': 'POST', 'http.route': '/v1/events', 'http.response.status_code': 202 },
    });
    const publish = inTrace().find((s) => s.kind === PRODUCER)!;
    expect(publish).toMatchObject({
      service: 'acme-webhooks-api',
      name: 'publish',
      parentSpanId: server.spanId,
      attributes: { 'messaging.message.id': eventId, 'acme.event.type': 'invoice.paid', 'acme.tenant.id': tenant.tenantId },
    });
    // The traceparent stored with the event is the publish span's: how the worker joins the trace.
    expect(await sql`select trace_parent from events where id = ${eventId}`).toEqual([
      { trace_parent: `00-${callerTrace}-${publish.spanId}-01` },
    ]);

    const [first, retry] = attempts.sort(
      (a, b) => Number(a.attributes['acme.attempt.number']) - Number(b.attributes['acme.attempt.number']),
    );
    for (const attempt of [first!, retry!]) {
      expect(attempt).toMatchObject({ service: 'acme-webhooks-worker', kind: CONSUMER, parentSpanId: publish.spanId });
      expect(attempt.attributes).toMatchObject({ 'messaging.message.id': eventId, 'acme.endpoint.id': endpoint.id });
    }
    expect(first!.attributes).toMatchObject({
      'acme.attempt.number': 1,
      'acme.delivery.path': 'FAST',
      'acme.attempt.outcome': 'HTTP_ERROR',
    });
    expect(first!.status).toBe(ERROR);
    expect(retry!.attributes).toMatchObject({
      'acme.attempt.number': 2,
      'acme.delivery.path': 'DURABLE',
      'acme.attempt.outcome': 'SUCCESS',
    });

    const requestOf = (attempt: CollectedSpan) => inTrace().find((s) => s.kind === CLIENT && s.parentSpanId === attempt.spanId)!;
    for (const [attempt, status] of [
      [first!, 500],
      [retry!, 200],
    ] as const) {
      expect(requestOf(attempt)).toMatchObject({
        name: 'POST',
        attributes: {
          'http.request.method': 'POST',
          'http.response.status_code': status,
          // The query (a token, here) stays out of traces.
          'url.full': receiver.url,
          'server.address': '127.0.0.1',
        },
      });
    }

    // The retry links to the workflow's round that sent it, a span of its own.
    const round = await eventually(
      () => collector.spans.find((s) => retry!.links.some((l) => l.spanId === s.spanId)),
      'the retry round span',
    );
    expect(round).toMatchObject({
      service: 'acme-webhooks-worker',
      name: 'send due retries',
      attributes: { 'acme.endpoint.id': endpoint.id, 'temporal.workflow.id': `endpoint-${endpoint.id}` },
    });

    // Nothing of our tracing reaches the tenant's endpoint.
    for (const request of receiver.requests) expect(request.headers).not.toHaveProperty('traceparent');
    expect(logLines(worker.output(), 'tracing on')).toEqual([
      expect.objectContaining({ exporter: 'otlp', url: `${collector.endpoint}/v1/traces`, protocol: 'http/json' }),
    ]);
  });
});

describe('tracing, with no OTEL_* settings', () => {
  it('records nothing and stores no trace context, whatever the caller sends', async () => {
    // The in-process gateway of the tests registers no SDK: the API's no-op tracer, as in production when off.
    const response = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tenant.token}`,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
      body: JSON.stringify({ eventType: 'invoice.paid', payload: { untraced: true } }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(await sql`select trace_parent from events where id = ${id}`).toEqual([{ trace_parent: null }]);
    expect(collector.spans.filter((s) => s.traceId === '0af7651916cd43dd8448eb211c80319c')).toEqual([]);
  });
});
