import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port to point a client at. */
  address: string;
  /** Forward connections to the target (true) or cut every connection and refuse new ones (false). */
  setUp(up: boolean): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a real server, to take that server "down" and bring it back
 * without restarting it: the client sees exactly what a network outage looks like.
 */
export async function startTcpProxy(target: string, up = true): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  let forwarding = up;
  const server = createServer((client) => {
    if (!forwarding) return client.destroy();
    const upstream = connect({ host, port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    setUp(next) {
      forwarding = next;
      if (!next) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
