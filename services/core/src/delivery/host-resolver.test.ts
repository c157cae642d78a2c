import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeNameServer, startFakeNameServer } from '../testing/fake-name-server.ts';
import { parseCidrList } from './cidr.ts';
import { createDeliveryClient } from './delivery-client.ts';
import { createHostResolver, DnsLookupError, systemHosts } from './host-resolver.ts';
import { sendAttempt } from './send-attempt.ts';
import { assertDestinationAllowed } from './url-guard.ts';

const loopback = parseCidrList('127.0.0.0/8,::1/128');
let nameServer: FakeNameServer;
let receiver: Server;
let port: number;

beforeAll(async () => {
  nameServer = await startFakeNameServer({
    records: { 'good.test': ['127.0.0.1'], 'short.test': ['127.0.0.1'] },
    silent: /^silent/,
  });
  receiver = createServer((_, res) => res.writeHead(204).end());
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await nameServer.close();
});

const resolverFor = (timeoutMs: number) => createHostResolver({ servers: [nameServer.address], timeoutMs, hosts: systemHosts() });

describe('createHostResolver', () => {
  it('answers from the name server, then from its cache while the TTL lasts', async () => {
    const resolve = resolverFor(2000);
    expect(await resolve('good.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    const asked = nameServer.questions.filter((q) => q.startsWith('good.test')).length;
    expect(asked).toBe(2); // A and AAAA
    await Promise.all([resolve('good.test'), resolve('GOOD.test.')]);
    expect(nameServer.questions.filter((q) => q.startsWith('good.test')).length).toBe(asked);
  });

  it('answers localhost and /etc/hosts names without asking a name server', async () => {
    const resolve = createHostResolver({
      servers: [nameServer.address],
      timeoutMs: 2000,
      hosts: new Map([['receiver.internal', [{ address: '10.1.2.3', family: 4 }]]]),
    });
    expect(await resolve('receiver.internal')).toEqual([{ address: '10.1.2.3', family: 4 }]);
    const defaults = resolverFor(2000);
    expect((await defaults('localhost')).map((a) => a.address)).toContain('127.0.0.1');
    expect(nameServer.questions.some((q) => q.startsWith('localhost') || q.startsWith('receiver.internal'))).toBe(false);
  });

  it('reports a name that does not exist as not resolving, not as a timeout', async () => {
    const error = await resolverFor(2000)('missing.test').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DnsLookupError);
    expect((error as DnsLookupError).timedOut).toBe(false);
  });

  it('gives up on a name server that never answers within the timeout, without holding up other lookups', async () => {
    const resolve = resolverFor(900);
    const started = performance.now();
    const settledAt: number[] = [];
    // Far more hung lookups than libuv's four getaddrinfo threads.
    const silent = Array.from({ length: 40 }, (_, i) =>
      resolve(`silent-${i}.test`).then(
        () => Promise.reject(new Error('a silent name resolved')),
        (err: unknown) => {
          settledAt.push(performance.now());
          return err;
        },
      ),
    );
    const good = await resolve('short.test');
    expect(good).toEqual([{ address: '127.0.0.1', family: 4 }]);
    // The good name was answered while every hung lookup was still waiting.
    expect(settledAt).toHaveLength(0);
    const errors = await Promise.all(silent);
    for (const error of errors) expect(error).toMatchObject({ name: 'Error', timedOut: true });
    // The deadline, not c-ares' own retries (4 tries by default, seconds each), ends them.
    expect(Math.max(...settledAt) - started).toBeLessThan(5000);
  });
});

describe('DNS at delivery and at endpoint creation', () => {
  it('classifies a silent name server as DNS_ERROR with a hint, while another endpoint is delivered', async () => {
    const client = createDeliveryClient({
      privateDestinationsAllowed: loopback,
      connectTimeoutMs: 1500,
      resolveHost: resolverFor(1000),
    });
    const send = (host: string) =>
      sendAttempt(
        { url: `http://${host}:${port}/hook`, headers: {}, body: '{}', timeoutMs: 5000 },
        { client, responseBodyBytes: 16 },
      );
    try {
      const hung = Array.from({ length: 20 }, (_, i) => send(`silent-delivery-${i}.test`));
      const delivered = await send('good.test');
      expect(delivered.outcome).toBe('SUCCESS');
      for (const result of await Promise.all(hung)) {
        expect(result.outcome).toBe('DNS_ERROR');
        expect(result.hint).toMatch(/name servers .* did not answer/);
        expect(result.durationMs).toBeLessThan(5000);
      }
      const missing = await send('missing.test');
      expect(missing).toMatchObject({ outcome: 'DNS_ERROR', hint: expect.stringMatching(/does not resolve/) });
    } finally {
      await client.close();
    }
  });

  it('checks every resolved address at endpoint creation through the same resolver', async () => {
    const resolve = resolverFor(800);
    await expect(assertDestinationAllowed(`http://good.test:${port}/`, loopback, resolve)).resolves.toBeInstanceOf(URL);
    await expect(assertDestinationAllowed(`http://good.test:${port}/`, [], resolve)).rejects.toThrow(/private or reserved/);
    await expect(assertDestinationAllowed('http://silent-create.test/', loopback, resolve)).rejects.toThrow(/did not answer/);
  });
});
