import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isClosedSocketWriteError } from './closed-socket-write.ts';

// The error as postgres.js 3.4.9 throws it (node_modules/postgres/src/connection.js, nextWrite).
function closedSocketWrite(): Error {
  const err = new TypeError("Cannot read properties of null (reading 'write')");
  err.stack = [
    "TypeError: Cannot read properties of null (reading 'write')",
    '    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)',
    '    at process.processImmediate (node:internal/timers:483:21)',
  ].join('\n');
  return err;
}

/** A process that installs the guard, then throws `error` outside any promise; resolves with its exit code. */
function survives(throwing: string): number | null {
  const guard = new URL('./closed-socket-write.ts', import.meta.url).pathname;
  const script = `
    import { surviveClosedSocketWrites } from ${JSON.stringify(guard)};
    surviveClosedSocketWrites({ warn() {}, fatal() {} });
    setImmediate(() => { ${throwing} });
    setTimeout(() => process.exit(0), 200);`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).status;
}

describe('surviving postgres.js writing to a closed connection', () => {
  it('recognises exactly that error', () => {
    expect(isClosedSocketWriteError(closedSocketWrite())).toBe(true);
    expect(isClosedSocketWriteError(new TypeError("Cannot read properties of null (reading 'write')"))).toBe(false);
    expect(isClosedSocketWriteError(new Error('boom'))).toBe(false);
    expect(isClosedSocketWriteError(null)).toBe(false);
  });

  it('keeps the process running through it, and still exits 1 on any other uncaught exception', () => {
    const fake = `const e = new TypeError("Cannot read properties of null (reading 'write')");
      e.stack = ${JSON.stringify(closedSocketWrite().stack)}; throw e;`;
    expect(survives(fake)).toBe(0);
    expect(survives(`throw new Error('something else')`)).toBe(1);
  });
});
