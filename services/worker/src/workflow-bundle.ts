import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from '@acme/core';
import type { WorkflowBundle } from '@temporalio/worker';

const workflowsDir = fileURLToPath(new URL('./workflows/', import.meta.url));
const bundlerScript = fileURLToPath(new URL('./bundle-workflows.mjs', import.meta.url));
const execFileAsync = promisify(execFile);
const quiet = () => {};
const quietBundler = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };

/**
 * The workflow code, bundled by webpack once per content and kept in `cacheDir`. Bundling takes
 * seconds of CPU (tens under load), and a worker restarted after a crash must start polling its
 * task queue at once: the endpoints' retries wait for it. The key covers every file the bundle is
 * made of: the workflows folder (lint keeps workflows from importing anything else but types) and
 * the Temporal SDK version. Without a writable cache it bundles in memory, as before.
 */
export async function loadWorkflowBundle(cacheDir: string, logger: Logger): Promise<WorkflowBundle> {
  const key = await bundleKey();
  const path = join(cacheDir, `workflow-bundle-${key}.js`);
  const cached = await readFile(path, 'utf8').catch(() => null);
  if (cached) return { code: cached };

  const started = Date.now();
  try {
    // In a child process: webpack's peak (~100 MB) and the sources it leaves loaded (~20 MB of heap)
    // would otherwise stay in the worker's RSS for its whole life.
    await mkdir(cacheDir, { recursive: true });
    await execFileAsync(process.execPath, [bundlerScript, join(workflowsDir, 'index.ts'), path], { maxBuffer: 1 << 20 });
    const code = await readFile(path, 'utf8');
    logger.info({ ms: Date.now() - started, path }, 'bundled the workflow code');
    return { code };
  } catch (err) {
    logger.warn({ err, path }, 'could not bundle the workflow code in a child process and cache it; bundling in memory');
  }
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: join(workflowsDir, 'index.ts'), logger: quietBundler });
  logger.info({ ms: Date.now() - started }, 'bundled the workflow code');
  return { code };
}

async function bundleKey(): Promise<string> {
  const hash = createHash('sha256');
  const require = createRequire(import.meta.url);
  for (const pkg of ['@temporalio/workflow', '@temporalio/worker']) {
    const { version } = JSON.parse(await readFile(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string };
    hash.update(`${pkg}@${version}\n`);
  }
  const files = (await readdir(workflowsDir, { recursive: true })).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) {
    hash.update(`${file}\n`);
    hash.update(await readFile(join(workflowsDir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}
