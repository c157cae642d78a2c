import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli-process.ts';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the worker says it is ready (dispatcher running). */
  ready: Promise<void>;
  exited: Promise<void>;
  output(): string;
}

/** A real worker process (`acme-webhooks worker`), as `npm start` runs it, so a test can kill -9 it. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const worker = spawnCli(['worker'], env);
  const exited = worker.exited.then(() => {});
  const ready = new Promise<void>((resolve, reject) => {
    worker.child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    void exited.then(() => reject(new Error(`worker exited before it was ready:\n${worker.output()}`)));
  });
  return { child: worker.child, ready, exited, output: worker.output };
}
