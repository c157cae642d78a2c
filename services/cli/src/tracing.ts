import { hostname } from 'node:os';
import { type Config, type Logger, settledBy } from '@acme/core';
import { DiagLogLevel, diag } from '@opentelemetry/api';

const FLUSH_TIMEOUT_MS = 3000;

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK (tracer provider, AsyncLocalStorage context, W3C propagation) with a
 * batching OTLP/HTTP exporter, when the OTEL_* settings configure one. Otherwise nothing is loaded and
 * the API's no-op tracer stays: spans cost a function call, and no trace context is stored.
 */
export async function startTracing(config: Config, role: string, logger: Logger): Promise<Tracing | null> {
  const options = config.tracing;
  if (!options) return null;
  const [{ BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  const exporter =
    options.exporter === 'console'
      ? new ConsoleSpanExporter()
      : options.protocol === 'http/json'
        ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: options.url })
        : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url: options.url });
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over these defaults.
  const resource = resources
    .resourceFromAttributes({
      'service.name': options.serviceName ?? `acme-webhooks-${role}`,
      'service.namespace': 'acme-webhooks',
      'service.instance.id': `${hostname()}:${process.pid}`,
    })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  // The SDK's own trouble (a collector that cannot be reached) goes to our log, as warnings.
  const otel = logger.child({ component: 'opentelemetry' });
  diag.setLogger(
    {
      error: (message, ...args) => otel.warn({ args }, message),
      warn: (message, ...args) => otel.warn({ args }, message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.WARN,
  );
  logger.info(
    { exporter: options.exporter, url: options.exporter === 'otlp' ? options.url : undefined, protocol: options.protocol },
    'tracing on',
  );
  // Bounded: an unreachable collector must not hold up a stop (the exporter's own timeout is 10 s).
  return { shutdown: () => settledBy(provider.shutdown(), Date.now() + FLUSH_TIMEOUT_MS).then(() => {}) };
}
