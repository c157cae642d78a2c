import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildPortalIfStale } from '@acme/portal/build';
import { describe, expect, it } from 'vitest';
import { bundledCli } from '../../services/cli/build-cli.ts';

// `npm start` and the benchmark run the API and worker from this bundle (see build-cli.ts).
describe('bundledCli', () => {
  it('bundles once per state of the sources, and the bundle runs with plain node from its cache folder', async () => {
    await buildPortalIfStale();
    const first = await bundledCli();
    const again = await bundledCli();
    expect(again).toMatchObject({ entry: first.entry, built: false });
    expect(first.entry).toMatch(/\/node_modules\/\.cache\/acme-webhooks\/cli\/[0-9a-f]{16}\/cli\.js$/);
    // npm packages resolve from there as from the repository; the roles are all there.
    const { stdout } = await promisify(execFile)(process.execPath, [first.entry, '--help']);
    for (const role of ['api', 'worker', 'migrate', 'start']) expect(stdout).toContain(role);
  });
});
