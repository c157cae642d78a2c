import { execFile } from 'node:child_process';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundledCli, bundledRoles, sourcesFingerprint } from '../../services/cli/build-cli.ts';

// `npm start` and the benchmark run the API and worker from this bundle (see build-cli.ts).
describe('bundledCli', () => {
  it('bundles once per state of the sources, and the bundle runs with plain node from its cache folder', async () => {
    const first = await bundledCli();
    const again = await bundledCli();
    expect(again).toMatchObject({ entry: first.entry, built: false });
    expect(first.entry).toMatch(/\/node_modules\/\.cache\/acme-webhooks\/cli\/[0-9a-f]{16}\/cli\.js$/);
    // npm packages resolve from there as from the repository; the roles are all there.
    const { stdout } = await promisify(execFile)(process.execPath, [first.entry, '--help']);
    for (const role of ['api', 'worker', 'migrate', 'start']) expect(stdout).toContain(role);
    // How the roles run from it: as the image runs them (infra/docker/Dockerfile).
    expect(await bundledRoles()).toEqual({
      cli: first.entry,
      execArgv: ['--enable-source-maps'],
      env: { MALLOC_ARENA_MAX: '2' },
    });
  });

  it('names a bundle after its sources: an edited, added or touched file gives another folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-fingerprint-'));
    try {
      await writeFile(join(dir, 'a.ts'), 'export const a = 1;');
      const before = await sourcesFingerprint([dir]);
      expect(await sourcesFingerprint([dir])).toBe(before);
      await writeFile(join(dir, 'a.ts'), 'export const a = 2;');
      await utimes(join(dir, 'a.ts'), new Date(), new Date(Date.now() + 1000));
      const edited = await sourcesFingerprint([dir]);
      expect(edited).not.toBe(before);
      await writeFile(join(dir, 'b.ts'), '');
      expect(await sourcesFingerprint([dir])).not.toBe(edited);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
