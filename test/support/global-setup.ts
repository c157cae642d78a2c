import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@acme/core';
import { startInfrastructure } from '@acme/infra-local/infrastructure';
import { freePort } from '@acme/infra-local/ports';
import { buildPortalIfStale } from '@acme/portal/build';
import { loadWorkflowBundle } from '@acme/worker';
import type { TestProject } from 'vitest/node';
import { keepExitCode } from './keep-exit-code.ts';

/**
 * Starts one real Postgres (embedded) and one real Temporal dev server for the whole run, on free
 * ports under a temporary folder, and stops both at the end. Never mocked.
 */
export default async function setup(project: TestProject) {
  keepExitCode();
  const dataDir = await mkdtemp(join(tmpdir(), 'acme-test-'));
  // Postgres runs as the `postgres` user when we are root: it must be able to reach its folder.
  await chmod(dataDir, 0o755);
  const started = Date.now();
  // The API serves the built portal (the browser tests need it): built beside the infrastructure's start.
  const portalBuilt = buildPortalIfStale((line) => process.stderr.write(`[test setup] ${line}\n`)).then(
    () => null,
    (err: Error) => err,
  );
  const infra = await startInfrastructure({
    dataDir,
    postgresPort: await freePort(),
    temporalPort: await freePort(),
    temporalUiPort: await freePort(),
    temporalNamespace: 'default',
    log: (line) => process.stderr.write(`[test setup] ${line}\n`),
  });
  process.stderr.write(`[test setup] Postgres and Temporal ready in ${Date.now() - started} ms\n`);
  const portalError = await portalBuilt;
  if (portalError) {
    await infra.stop();
    throw portalError;
  }
  // Every worker of the run (in-process or spawned) loads this instead of bundling on its own.
  await loadWorkflowBundle(join(dataDir, 'cache'), createLogger('silent', 'test-setup'));
  project.provide('databaseUrl', infra.databaseUrl);
  project.provide('adminDatabaseUrl', infra.databaseUrl.replace(/\/[^/]+$/, '/postgres'));
  project.provide('temporalAddress', infra.temporalAddress);
  project.provide('dataDir', dataDir);
  return async () => {
    await infra.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
