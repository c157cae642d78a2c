import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';
import { startTemporalDevServer } from './temporal-cli.ts';

const dirs: string[] = [];
const spawned: number[] = [];
afterEach(async () => {
  // Should the code under test leave its child behind, the test does not.
  for (const pid of spawned.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startTemporalDevServer', () => {
  it('stops the server it spawned when the server never opens its port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-temporal-cli-'));
    dirs.push(dir);
    // A stand-in CLI that starts and never listens, as a server stuck on its database would.
    const cli = join(dir, 'temporal');
    await writeFile(cli, `#!/bin/sh\necho $$ > "${join(dir, 'cli.pid')}"\nexec sleep 600\n`);
    await chmod(cli, 0o755);

    const start = startTemporalDevServer({
      dataDir: join(dir, 'data'),
      port: await freePort(),
      uiPort: await freePort(),
      cliPath: cli,
      startTimeoutMs: 1000,
    });
    await expect(start).rejects.toThrow(/did not open port/);
    const pid = Number(await readFile(join(dir, 'cli.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    spawned.push(pid);
    expect(isRunning(pid)).toBe(false);
  });

  it('fails with the reason when another process holds its port, rather than taking that process for the server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-temporal-cli-'));
    dirs.push(dir);
    // Another process on the port: it accepts connections, so the port alone looks like a server that started.
    const holder = await new Promise<Server>((resolve) => {
      const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1', () => resolve(server));
    });
    try {
      const port = (holder.address() as { port: number }).port;
      const start = startTemporalDevServer({ dataDir: join(dir, 'data'), port, uiPort: await freePort() });
      await expect(start).rejects.toThrow(/address already in use/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 60_000);
});
