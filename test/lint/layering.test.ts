import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const biome = join(repo, 'node_modules/.bin/biome');
// A copy of the repository's biome.json in a directory of its own: probes never land in the source
// tree, where a concurrent lint, typecheck or build would see them.
let sandbox: string;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'layering-'));
  const config = JSON.parse(await readFile(join(repo, 'biome.json'), 'utf8'));
  delete config.$schema;
  config.vcs = { enabled: false };
  await writeFile(join(sandbox, 'biome.json'), JSON.stringify(config));
});

afterAll(async () => {
  if (sandbox) await rm(sandbox, { recursive: true, force: true });
});

/** Writes a file at `path` of the sandbox, where the layering rule applies, and returns what `biome lint` says of it. */
async function lint(path: string, source: string): Promise<{ failed: boolean; output: string }> {
  await mkdir(join(sandbox, dirname(path)), { recursive: true });
  await writeFile(join(sandbox, path), source);
  try {
    const { stdout, stderr } = await run(biome, ['lint', path], { encoding: 'utf8', cwd: sandbox });
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

  it.each([
    ['the @acme/worker entry', "import { startWorker } from '@acme/worker';\nexport const x = startWorker;\n"],
    ['@temporalio/worker', "import { Worker } from '@temporalio/worker';\nexport const x = Worker;\n"],
  ])('refuses %s in services/api', async (_, source) => {
    const result = await lint('services/api/src/layering-probe.ts', source);
    expect(result.failed).toBe(true);
    expect(result.output).toContain('noRestrictedImports');
  });

  it("accepts the worker's client-only handoff entry in services/api", async () => {
    const result = await lint(
      'services/api/src/layering-probe.ts',
      "import { handOverDeliveries } from '@acme/worker/handoff';\nexport const x = handOverDeliveries;\n",
    );
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.failed).toBe(false);
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
