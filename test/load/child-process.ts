import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// tsx by absolute URL, so a child can run from any working directory (the gateway runs from its
// DATA_DIR, where no stray .env changes the embedded defaults).
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs a TypeScript entry in a new Node process, with an IPC channel (the benchmark's own helpers). */
export function spawnTypeScript(
  entry: string,
  options: SpawnOptions & { nodeArgs?: string[] | undefined; args?: string[] } = {},
): ChildProcess {
  return spawnNode(entry, { ...options, nodeArgs: [...(options.nodeArgs ?? []), '--import', tsxLoader] });
}

/** Runs a JavaScript entry in a new Node process, with an IPC channel. */
export function spawnNode(
  entry: string,
  options: SpawnOptions & { nodeArgs?: string[] | undefined; args?: string[] } = {},
): ChildProcess {
  const { nodeArgs = [], args = [], ...spawnOptions } = options;
  return spawn(process.execPath, [...nodeArgs, entry, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...spawnOptions,
  });
}

/** Resolves with the first IPC message `accept` returns a value for; rejects if the child exits first. */
export function waitForMessage<T>(child: ChildProcess, accept: (message: any) => T | undefined, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what} exited before it was ready (code ${code}, signal ${signal})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
