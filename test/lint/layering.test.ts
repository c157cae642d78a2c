import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const probes: string[] = [];

afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => rm(p, { force: true })));
});

/** Writes a file where the layering rule applies and returns what `biome lint` says of it. */
async function lint(path: string, source: string): Promise<{ failed: boolean; output: string }> {
  probes.push(path);
  await writeFile(path, source);
  try {
    const { stdout, stderr } = await run('npx', ['biome', 'lint', path], { encoding: 'utf8' });
    return { failed: false, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout: string; stderr: string };
    return { failed: true, output: e.stdout + e.stderr };
  }
}

// The lint rule is what keeps the layers apart; these prove it still bites.
describe('the layering lint rule', () => {
  it.each([
    ['@apollo/server', "import { ApolloServer } from '@apollo/server';\nexport const x = ApolloServer;\n"],
    ['fastify', "import Fastify from 'fastify';\nexport const x = Fastify;\n"],
    ['@temporalio/client', "import { Client } from '@temporalio/client';\nexport const x = Client;\n"],
  ])('refuses %s in services/core', async (_, source) => {
    const result = await lint('services/core/src/layering-probe.ts', source);
    expect(result.failed).toBe(true);
    expect(result.output).toContain('noRestrictedImports');
  });

  it('refuses I/O in workflows', async () => {
    const result = await lint(
      'services/worker/src/workflows/layering-probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    );
    expect(result.failed).toBe(true);
    expect(result.output).toContain('noRestrictedImports');
  });

  it('accepts what workflows may import', async () => {
    const result = await lint(
      'services/worker/src/workflows/layering-probe.ts',
      "import { sleep } from '@temporalio/workflow';\nimport { retriesPendingSignal } from './signals.ts';\nexport const x = [sleep, retriesPendingSignal];\n",
    );
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.failed).toBe(false);
  });
});
