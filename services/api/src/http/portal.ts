import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problem } from '../rest/problem.ts';

// Paths the API owns: a request for one of them never gets the portal page, whatever it accepts.
const API_PATHS = /^\/(graphql|v1|openapi\.json|healthz|readyz|metrics)(\/|$)/;

/**
 * The portal is a single-page app: a browser opening one of its own routes (`/endpoints/ep_1`, or
 * `/session#<token>` from a portal-session link) must get its index.html, which then routes on the
 * client. Only page loads qualify (GET or HEAD, accepting HTML, not an API path, not a file name),
 * so a mistyped API call or a missing asset still answers 404.
 */
export function wantsPortalPage(request: Pick<FastifyRequest, 'method' | 'url' | 'headers'>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!String(request.headers.accept ?? '').includes('text/html')) return false;
  const path = request.url.split(/[?#]/)[0] ?? '/';
  if (API_PATHS.test(path)) return false;
  return !/\.[a-z0-9]+$/i.test(path.slice(path.lastIndexOf('/')));
}

/** The built portal at `/`: hashed assets cached for good, index.html revalidated, client-side routes falling back to it. */
export async function registerPortal(app: FastifyInstance, assetsDir: string): Promise<void> {
  const built = existsSync(join(assetsDir, 'index.html'));
  if (!built) app.log.warn({ assetsDir }, 'The portal is not built (npm run build -w services/portal): / answers 404.');
  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/',
    cacheControl: false,
    // Vite names every asset by its content hash: a new build is new URLs, so they can be cached for good.
    setHeaders: (res, path) =>
      res.setHeader('cache-control', path.includes(`${assetsDir}/assets/`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
  app.setNotFoundHandler((request, reply) => {
    if (built && wantsPortalPage(request)) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return problem(reply, 404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });
}
