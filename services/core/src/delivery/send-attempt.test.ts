import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseCidrList } from './cidr.ts';
import { createDeliveryClient } from './delivery-client.ts';
import { parseRetryAfter, sendAttempt } from './send-attempt.ts';

const loopback = parseCidrList('127.0.0.0/8,::1/128');
const client = createDeliveryClient({ privateDestinationsAllowed: loopback, connectTimeoutMs: 1000 });
const strictClient = createDeliveryClient({ privateDestinationsAllowed: [], connectTimeoutMs: 1000 });
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await client.close();
  await strictClient.close();
});

async function serve(handler: RequestListener): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const send = (url: string, options: { timeoutMs?: number; strict?: boolean } = {}) =>
  sendAttempt(
    { url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: options.timeoutMs ?? 2000 },
    {
      client: options.strict ? strictClient : client,
      responseBodyBytes: 16,
    },
  );

describe('sendAttempt', () => {
  it('classifies a 2xx as SUCCESS and keeps the response, truncated', async () => {
    const port = await serve((_, res) => res.writeHead(201, { 'x-receiver': 'yes' }).end('a response longer than sixteen bytes'));
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ outcome: 'SUCCESS', responseStatus: 201, responseBody: 'a response longe', hint: null });
    expect(result.responseHeaders?.['x-receiver']).toBe('yes');
  });

  it('logs a gzip body as a placeholder saying what it was, never as raw bytes', async () => {
    const gzipped = gzipSync(Buffer.from('{"ok":true,"padding":"..........................."}'));
    const port = await serve((_, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipped),
    );
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result.outcome).toBe('SUCCESS');
    expect(result.responseBody).toBe('[binary body, 16+ bytes, content-type application/json, content-encoding gzip]');
  });

  it('logs a body with NUL bytes or invalid UTF-8 as a placeholder (Postgres text refuses them)', async () => {
    const bodies = [Buffer.from([0x7b, 0x00, 0x7d]), Buffer.from([0xff, 0xfe, 0x41])];
    const port = await serve((req, res) =>
      res.writeHead(500, { 'content-type': 'application/octet-stream' }).end(bodies[Number(req.url?.slice(1))]),
    );
    for (const [index, bytes] of bodies.entries()) {
      const result = await send(`http://127.0.0.1:${port}/${index}`);
      expect(result.outcome).toBe('HTTP_ERROR');
      expect(result.responseBody).toBe(`[binary body, ${bytes.length} bytes, content-type application/octet-stream]`);
    }
  });

  it('keeps UTF-8 text cut at the size limit in the middle of a character, without the cut character', async () => {
    const port = await serve((_, res) => res.end(`${'a'.repeat(15)}é and more`));
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result.responseBody).toBe('a'.repeat(15));
  });

  it('does not follow a redirect, and says where it pointed', async () => {
    let followed = false;
    const target = await serve((_, res) => {
      followed = true;
      res.end();
    });
    const port = await serve((_, res) => res.writeHead(302, { location: `http://127.0.0.1:${target}/` }).end());
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result.outcome).toBe('REDIRECT');
    expect(result.hint).toContain(`127.0.0.1:${target}`);
    expect(followed).toBe(false);
  });

  it('gives up on a receiver that never answers, as TIMEOUT', async () => {
    const port = await serve(() => {});
    const result = await send(`http://127.0.0.1:${port}/`, { timeoutMs: 300 });
    expect(result.outcome).toBe('TIMEOUT');
    expect(result.durationMs).toBeLessThan(2000);
  });

  it("delivers to a quick endpoint at once while another tenant's requests hold more connections to the same origin than any pool cap", async () => {
    const held: (() => void)[] = [];
    const port = await serve((req, res) => {
      if (req.url === '/slow') held.push(() => res.end());
      else res.end();
    });
    // More hung requests to one origin than the 64 connections the origin's pool used to allow.
    const slow = Array.from({ length: 80 }, () => send(`http://127.0.0.1:${port}/slow`, { timeoutMs: 20_000 }));
    await vi.waitFor(() => expect(held.length).toBe(80), { timeout: 10_000 });
    // Its timeout runs from when it is written to a connection, and it never waits for one.
    const quick = await send(`http://127.0.0.1:${port}/quick`, { timeoutMs: 1000 });
    expect(quick.outcome).toBe('SUCCESS');
    for (const release of held) release();
    expect((await Promise.all(slow)).every((r) => r.outcome === 'SUCCESS')).toBe(true);
  });

  it('reads Retry-After on 429 and 503', async () => {
    const port = await serve((_, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ outcome: 'HTTP_ERROR', responseStatus: 429, retryAfterMs: 7000 });
  });

  it('refuses a private IP literal before dialling', async () => {
    const port = await serve((_, res) => res.end());
    const result = await send(`http://127.0.0.1:${port}/`, { strict: true });
    expect(result.outcome).toBe('BLOCKED_DESTINATION');
  });

  it('refuses a host name that resolves to a private address, at connect time', async () => {
    let reached = false;
    const port = await serve((_, res) => {
      reached = true;
      res.end();
    });
    const result = await send(`http://localhost:${port}/`, { strict: true });
    expect(result.outcome).toBe('BLOCKED_DESTINATION');
    expect(reached).toBe(false);
    // The attempt log says why, never what the name resolved to.
    expect(result.error).toMatch(/private or reserved address \(loopback\)/);
    expect(result.error).not.toMatch(/127\.0\.0\.1|::1/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates, and caps at one hour', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
