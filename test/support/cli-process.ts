import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@acme/infra-local/ports';

/** The CLI from source, as in development (`node --import tsx services/cli/src/cli.ts`). */
export const CLI_SOURCE = {
  entry: new URL('../../services/cli/src/cli.ts', import.meta.url).pathname,
  execArgv: ['--import', 'tsx'],
};

export interface CliEntry {
  entry: string;
  execArgv: string[];
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  output(): string;
}

/** `acme-webhooks <args>` as a real process with `env` on top of this one's environment (undefined: unset). */
export function spawnCli(args: string[], env: Record<string, string | undefined>, cli: CliEntry = CLI_SOURCE): CliProcess {
  const merged = { ...process.env, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn(process.execPath, [...cli.execArgv, cli.entry, ...args], {
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: () => output };
}

/** The exit code (or signal) of `p`, failing with its output when it is still running after `timeoutMs`. */
export async function exitWithin(p: { exited: Promise<unknown>; output(): string }, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${p.output()}`)), timeoutMs);
  });
  try {
    return await Promise.race([p.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The JSON log lines (pino) of a process's output whose `msg` is `message`. */
export function logLines(output: string, message: string): Record<string, any>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(message))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((entry) => entry.msg === message);
}

/** The pid in a dispatcher's lease owner or Temporal worker identity (`host:pid:suffix`). */
export function ownerPattern(pid: number): string {
  return `%:${pid}:%`;
}

export interface ApiProcess extends CliProcess {
  /** Resolves with the URL the API listens on, once it does. */
  url: Promise<string>;
}

/**
 * `acme-webhooks api` on PORT=0: the system picks a free port as it binds, and the API tells us
 * which over IPC. A port chosen beforehand (freePort) could be taken by another process before the
 * child binds it (EADDRINUSE).
 */
export function spawnApi(env: Record<string, string | undefined>, cli: CliEntry = CLI_SOURCE): ApiProcess {
  const api = spawnCli(['api'], { ...env, PORT: '0' }, cli);
  const url = new Promise<string>((resolve, reject) => {
    api.child.on(
      'message',
      (m: { listening?: string }) => m.listening && resolve(m.listening.replace(/\/\/(0\.0\.0\.0|\[::\]):/, '//127.0.0.1:')),
    );
    void api.exited.then((code) => reject(new Error(`api exited (${code}) before it listened:\n${api.output()}`)));
  });
  // Not every caller awaits it (a test may expect the process to fail).
  url.catch(() => {});
  return { ...api, url };
}

/** How a server says the port it was given is taken (Node, Go and Postgres each word it their own way). */
const PORT_CLASH = /EADDRINUSE|address already in use/i;

/**
 * Runs `attempt` on `count` ports that were free a moment ago, choosing new ones and running it again
 * (up to `attempts` times) when it fails because another process took one of them between choosing
 * and binding. For servers that cannot bind port 0 and report it (Postgres, the Temporal dev server,
 * the worker's ops port, where 0 means off).
 */
export async function withFreePorts<T>(count: number, attempt: (ports: number[]) => Promise<T>, attempts = 5): Promise<T> {
  for (let n = 1; ; n++) {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    try {
      return await attempt(ports);
    } catch (err) {
      if (n >= attempts || !PORT_CLASH.test(String((err as Error)?.message ?? err))) throw err;
    }
  }
}

/** A process we wait on: a CLI role, or `npm start`. */
export interface WatchedProcess {
  child: ChildProcess;
  exited: Promise<unknown>;
  output(): string;
}

/**
 * Spawns a process that must bind ports we choose: `start(ports)` until one is up (`up` resolves),
 * on new ports each time one exits because another process took a port first (see withFreePorts).
 */
export async function onFreePorts<P extends WatchedProcess>(
  count: number,
  start: (ports: number[]) => P,
  up: (p: P, ports: number[]) => Promise<unknown>,
  attempts = 5,
): Promise<{ process: P; ports: number[] }> {
  return withFreePorts(
    count,
    async (ports) => {
      const p = start(ports);
      const outcome = await Promise.race([
        up(p, ports).then(
          () => 'up' as const,
          (err: unknown) => err,
        ),
        p.exited.then(() => 'exited' as const),
      ]);
      if (outcome === 'up') return { process: p, ports };
      // `up` gave up while the process still runs: that is not a port clash.
      if (p.child.exitCode === null && p.child.signalCode === null) throw outcome;
      throw new Error(`exited before it was up:\n${p.output()}`);
    },
    attempts,
  );
}

/** onFreePorts for a process that needs one port. */
export async function onFreePort<P extends WatchedProcess>(
  start: (port: number) => P,
  up: (p: P, port: number) => Promise<unknown>,
  attempts = 5,
): Promise<{ process: P; port: number }> {
  const { process, ports } = await onFreePorts(
    1,
    ([port]) => start(port!),
    (p, [port]) => up(p, port!),
    attempts,
  );
  return { process, port: ports[0]! };
}
