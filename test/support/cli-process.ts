import { type ChildProcess, spawn } from 'node:child_process';

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
