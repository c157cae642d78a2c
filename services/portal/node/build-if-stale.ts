// Development only (npm start, the test setup): builds the portal when dist/ is missing or older
// than anything it is built from, so a fresh clone serves it without a manual step. The image
// builds it explicitly (`npm run build -w services/portal`) and never runs this.
import { spawn } from 'node:child_process';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const portalDir = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(portalDir, 'dist', 'index.html');
/** What the bundle is made of: the portal's sources and config, and the SDK's sources (bundled through `@acme/source`). */
const inputs = [
  join(portalDir, 'src'),
  join(portalDir, 'index.html'),
  join(portalDir, 'vite.config.ts'),
  join(portalDir, 'package.json'),
  join(portalDir, 'public'),
  join(portalDir, '../../sdk/src'),
];

/** Newest modification time (ms) of a file or, recursively, of a folder's files; 0 when missing. */
async function newestChange(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path, { withFileTypes: true });
  const times = await Promise.all(entries.map((e) => newestChange(join(path, e.name))));
  return Math.max(info.mtimeMs, ...times);
}

/** True when dist/ is missing or older than one of its inputs. */
export async function portalBuildIsStale(): Promise<boolean> {
  const built = await stat(builtIndex).catch(() => null);
  if (!built) return true;
  const newest = Math.max(...(await Promise.all(inputs.map(newestChange))));
  return newest > built.mtimeMs;
}

/** Runs `vite build` when the build is stale; resolves when dist/ is current. */
export async function buildPortalIfStale(log: (line: string) => void = () => {}): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  if (!(await portalBuildIsStale())) return { built: false, ms: Date.now() - started };
  const firstBuild = !(await stat(builtIndex).catch(() => null));
  log(`Building the portal (${firstBuild ? 'not built yet' : 'its sources changed since the last build'})...`);
  // Built beside dist/ and swapped in whole: a server (or a second build) never sees a half-written dist/.
  const staging = join(portalDir, `dist.building-${process.pid}-${Date.now()}`);
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', staging], {
      cwd: portalDir,
      // Vite bundles React's development build when NODE_ENV says so (vitest sets it to "test").
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      void rm(staging, { recursive: true, force: true });
      reject(new Error(`The portal build failed (vite build, exit ${code}):\n${output}`));
    });
  });
  const dist = join(portalDir, 'dist');
  const previous = `${staging}.previous`;
  await rename(dist, previous).catch(() => {});
  await rename(staging, dist);
  await rm(previous, { recursive: true, force: true });
  const ms = Date.now() - started;
  log(`Portal built in ${(ms / 1000).toFixed(1)}s.`);
  return { built: true, ms };
}
