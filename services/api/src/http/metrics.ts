import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * GET /metrics: this process's metrics, followed by the worker's when `npm start` says where
 * they are, so one scrape of the one origin sees the whole gateway. Scaled out, scrape each
 * worker's own /metrics instead.
 */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry, workerMetricsUrl: string | undefined): void {
  app.get('/metrics', async (_, reply) => {
    const own = await registry.metrics();
    const worker = workerMetricsUrl
      ? await fetch(workerMetricsUrl, { signal: AbortSignal.timeout(2000) })
          .then((r) => (r.ok ? r.text() : ''))
          .catch(() => '')
      : '';
    return reply.type(registry.contentType).send(worker ? `${own}\n${worker}` : own);
  });
}
