import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { onFreePorts, type WatchedProcess } from '../support/cli-process.ts';

// The helper every child-process test relies on for ports that cannot be 0: a clash (another
// process took the port between choosing and binding) means new ports and a new process; any other
// failure is the test's to see.

const processes: WatchedProcess[] = [];
let holder: Server | undefined;
afterEach(async () => {
  for (const p of processes.splice(0)) p.child.kill('SIGKILL');
  await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
  holder = undefined;
});

/** A real server process on `port`: says `up` over IPC once it listens, and dies on a listen error (EADDRINUSE). */
function serverOn(port: number): WatchedProcess {
  const code = `require('node:net').createServer().listen(${port}, '127.0.0.1', () => process.send('up'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const p = { child, exited, output: () => output };
  processes.push(p);
  return p;
}

const listening = (p: WatchedProcess) => new Promise((resolve) => p.child.once('message', resolve));

describe('onFreePorts', () => {
  it('starts the process again on new ports when another process took one first', async () => {
    holder = await new Promise<Server>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => resolve(server));
    });
    const taken = (holder.address() as { port: number }).port;
    const tried: number[] = [];
    // The first start gets the taken port, as if another process had bound it the moment after we chose it.
    const { process, ports } = await onFreePorts(
      1,
      ([port]) => {
        tried.push(tried.length === 0 ? taken : port!);
        return serverOn(tried.at(-1)!);
      },
      listening,
    );
    expect(tried).toHaveLength(2);
    expect(ports).toEqual([tried[1]]);
    expect(process.child.exitCode).toBeNull();
    expect(processes[0]!.output()).toContain('EADDRINUSE');
  });

  it('gives up at once when the process fails for another reason', async () => {
    let starts = 0;
    const failure = await onFreePorts(
      2,
      () => {
        starts++;
        return serverOn(-1);
      },
      listening,
    ).catch((err: Error) => err);
    expect(starts).toBe(1);
    expect((failure as Error).message).toMatch(/exited before it was up:[\s\S]*ERR_SOCKET_BAD_PORT/);
  });
});
