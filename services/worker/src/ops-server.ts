import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** For /readyz: whether the worker can do its work now. */
  readiness: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
}

/**
 * The worker's port for operators: GET /metrics (Prometheus), /healthz (the process is up: a
 * liveness probe) and /readyz (Postgres and Temporal answer: a readiness probe), nothing else.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<{ url: string; server: Server }> {
  const { registry } = options;
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (req.url === '/healthz') return json(200, { status: 'ok' });
    if (req.url === '/readyz') {
      return void options.readiness().then(
        (result) => json(result.ready ? 200 : 503, result),
        () => json(503, { ready: false }),
      );
    }
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}/metrics`, server };
}
