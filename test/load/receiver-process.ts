// The benchmark's webhook receiver, in a process of its own so its CPU neither helps nor hurts the
// gateway's. It records when each request arrived and its webhook-id, and answers by the first
// path segment: /ok/... 200 (after the delay given as its argument, if any: a slow receiver),
// /fail/... 500 at once, /hang/... never. It verifies nothing: a receiver that checks signatures
// would measure itself, not the gateway.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './clock.ts';

export type ReceiverMessage =
  | { type: 'ready'; goodPort: number; badPort: number }
  /** Flattened triples: path, webhook-id, arrival time (ms since the Unix epoch, sub-ms precision). */
  | { type: 'arrivals'; items: (string | number)[] }
  | { type: 'clock'; sentAt: number; receiverAt: number };

export type ReceiverCommand = { type: 'clock'; sentAt: number } | { type: 'close' };

let pending: (string | number)[] = [];
const okDelayMs = Number(process.argv[2] ?? 0);

function handle(req: IncomingMessage, res: ServerResponse): void {
  const arrivedAt = now();
  const path = req.url ?? '/';
  pending.push(path, String(req.headers['webhook-id'] ?? ''), arrivedAt);
  const mode = path.slice(1, path.indexOf('/', 1));
  req.resume();
  req.on('end', () => {
    if (mode === 'hang') return;
    const answer = () => res.writeHead(mode === 'fail' ? 500 : 200, { 'content-length': '0' }).end();
    if (mode === 'ok' && okDelayMs > 0) setTimeout(answer, okDelayMs);
    else answer();
  });
}

async function listen(): Promise<Server> {
  const server = createServer(handle);
  // Keep connections from the gateway's pool open between bursts, as a real receiver behind a proxy would.
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// Two origins: endpoints that misbehave get their own, as they would be other hosts in real life, so
// the gateway's per-origin connection pool does not couple them to the healthy ones.
const good = await listen();
const bad = await listen();

const flush = setInterval(() => {
  if (pending.length === 0) return;
  const items = pending;
  pending = [];
  process.send?.({ type: 'arrivals', items } satisfies ReceiverMessage);
}, 10);

process.on('message', (command: ReceiverCommand) => {
  if (command.type === 'clock') {
    process.send?.({ type: 'clock', sentAt: command.sentAt, receiverAt: now() } satisfies ReceiverMessage);
  } else if (command.type === 'close') {
    clearInterval(flush);
    for (const server of [good, bad]) {
      server.closeAllConnections();
      server.close();
    }
    process.send?.({ type: 'arrivals', items: pending } satisfies ReceiverMessage, () => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));

process.send?.({
  type: 'ready',
  goodPort: (good.address() as AddressInfo).port,
  badPort: (bad.address() as AddressInfo).port,
} satisfies ReceiverMessage);
