import { type ChildProcess, spawn } from 'node:child_process';

const workerMain = new URL('../../services/worker/src/main.ts', import.meta.url).pathname;

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker says it is ready (dispatcher running). */
  ready: Promise<void>;
  exited: Promise<void>;
  output(): string;
}

/** A real worker process, as `npm start` runs it, so a test can kill -9 it. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', workerMain], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    void exited.then(() => reject(new Error(`worker exited before it was ready:\n${output}`)));
  });
  return { child, ready, exited, output: () => output };
}
