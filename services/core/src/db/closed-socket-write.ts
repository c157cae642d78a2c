// No imports: vitest.config.ts loads this file too.

/**
 * postgres.js 3.4.9 (the latest) can throw from a setImmediate when a connection closes while a
 * small write is buffered: `socket.write` on the null socket of a closed connection
 * (porsager/postgres#1154, #1208; fixes proposed, none released). Thrown outside any query, it
 * cannot be caught, and by default it kills the process, which a database restart or failover
 * then does to every API and worker process at once. The connection is already closed by then and
 * its queries go through the driver's own error path; the write it lost was for that connection.
 */
export function isClosedSocketWriteError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { message, stack } = err as { message?: unknown; stack?: unknown };
  return (
    typeof message === 'string' &&
    /reading 'write'|evaluating 'socket\.write'/.test(message) &&
    typeof stack === 'string' &&
    stack.includes('nextWrite') &&
    /postgres[\\/]src[\\/]connection\.js/.test(stack)
  );
}

/**
 * Keeps the process alive through exactly that error (logged), and keeps Node's behaviour for
 * every other uncaught exception: report it and exit 1. For process entry points only.
 */
export function surviveClosedSocketWrites(log: { warn(obj: object, msg: string): void; fatal(obj: object, msg: string): void }) {
  process.on('uncaughtException', (err, origin) => {
    if (isClosedSocketWriteError(err)) {
      log.warn({ err }, 'postgres.js wrote to a connection that had just closed (porsager/postgres#1154); ignored');
      return;
    }
    log.fatal({ err, origin }, 'uncaught exception');
    process.exit(1);
  });
}
