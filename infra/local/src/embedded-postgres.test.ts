import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('says why when Postgres cannot start because another process holds its port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-embedded-pg-'));
    dirs.push(dir);
    // Postgres runs as the `postgres` user when we are root: it must be able to reach its folder.
    await chmod(dir, 0o755);
    const holder = await new Promise<Server>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    try {
      const port = (holder.address() as { port: number }).port;
      // The reason itself: embedded-postgres alone rejects with undefined, which `rejects.toThrow` lets pass.
      const failure = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port }).then(
        () => new Error('it started'),
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(new RegExp(`did not start on port ${port}: .*Address already in use`));
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 120_000);
});
