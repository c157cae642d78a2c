import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';

// The API serves the built portal at `/`, and its index.html for the portal's client-side routes
// (a portal-session link opens /session#<token>), but never in place of an API answer or a file.

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
});

afterAll(async () => {
  await gateway?.stop();
});

const page = (path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, { ...init, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', ...init.headers } });

describe('the portal at /', () => {
  it('serves the built app, revalidating index.html and caching hashed assets for good', async () => {
    const index = await page('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).toContain('<div id="root"></div>');
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${gateway.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Read to the end: a response left unread keeps its connection busy, and the gateway could not stop.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it.each(['/session', '/endpoints/ep_123', '/dead-letters?endpointId=x'])(
    'answers a page load of %s with index.html',
    async (path) => {
      const response = await page(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<div id="root"></div>');
    },
  );

  it.each(['/v1/nope', '/graphql/x', '/metrics/x', '/assets/missing.js', '/favicon.png'])(
    'answers 404 problem+json for %s, never the page',
    async (path) => {
      const response = await page(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it('does not answer API clients or other methods with the page', async () => {
    const json = await fetch(`${gateway.url}/endpoints`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(404);
    expect(await json.json()).toMatchObject({ code: 'NOT_FOUND' });
    const post = await page('/session', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.text()).not.toContain('<div id="root">');
    const health = await page('/healthz');
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
