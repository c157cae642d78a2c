import {
  type Context,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';

// Tracing through the OpenTelemetry API only: the SDK and its exporter are registered by the process
// that wants them (services/cli/src/tracing.ts, when OTEL_* says so). Until then every call here hits
// the API's no-op tracer: no span is recorded, no context is kept, and no trace context is stored.

export const TRACER_NAME = 'acme-webhooks';

let cached: Tracer | undefined;

/** The gateway's tracer: a proxy that starts recording once a provider is registered, a no-op until then. */
export function tracer(): Tracer {
  cached ??= trace.getTracer(TRACER_NAME);
  return cached;
}

/** The W3C `traceparent` of a span, to carry its trace across a queue (the outbox row); null without one. */
export function traceparentOf(span: Span | undefined): string | null {
  const sc = span?.spanContext();
  if (!sc || !isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C Trace Context §traceparent, version 00; anything else (or an all-zero id) is no parent at all. */
export function parseTraceparent(value: string | null | undefined): SpanContext | null {
  const m = value ? TRACEPARENT.exec(value) : null;
  if (!m) return null;
  const sc: SpanContext = { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true };
  return isSpanContextValid(sc) ? sc : null;
}

/** A context whose parent is the stored `traceparent`, so later work joins the publisher's trace. */
export function contextFromTraceparent(value: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  const parent = parseTraceparent(value);
  return parent ? trace.setSpanContext(base, parent) : base;
}

/** The ids a log line carries while a span is active (pino's mixin). */
export function activeTraceIds(): { trace_id: string; span_id: string } | Record<string, never> {
  const sc = trace.getSpan(context.active())?.spanContext();
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

/** Ends a span with an error status when `err` is given. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  }
  span.end();
}
