// The CLI as one bundle: `node <outdir>/cli.js <role>` with plain node, no TypeScript tooling at run
// time. Our workspaces are bundled into one ESM program (npm dependencies stay in node_modules); the
// Temporal workflow code is prebundled beside it, so a worker starts without running webpack; files
// our code reads at run time (the SQL migrations, the GraphQL schema, the portal's static files) are
// copied under <outdir>/assets/. The image is built with it (build.ts), and `npm start` and the
// benchmark run the roles from it too (bundledRoles): what they run is what the image runs, without
// tsx's loader thread (~40 MB per process).
import { createHash, type Hash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { buildPortalIfStale } from '@acme/portal/build';
import { bundleWorkflowCode } from '@temporalio/worker';
import { build, type Plugin } from 'esbuild';

const here = dirname(new URL(import.meta.url).pathname);
const repoRoot = resolve(here, '../..');

/** What a bundle is made of: our workspaces' sources, the portal's build, the dependencies' versions. */
const inputs = [
  'services/core/src',
  'services/api/src',
  'services/worker/src',
  'services/cli/src',
  'services/cli/build-cli.ts',
  'services/portal/dist',
  'services/portal/node',
  'schema',
  'package-lock.json',
].map((path) => join(repoRoot, path));

/** The bundle's entry, written last: present only in a finished build. */
const ENTRY = 'cli.js';

/** Bundles the CLI into `outdir` (emptied first). */
export async function buildCli(outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const assets = new Map<string, string>();
  await build({
    entryPoints: { cli: join(here, 'src/cli.ts') },
    outdir,
    bundle: true,
    // Chunks: `start` (development only) loads the dev dependencies lazily, so the image never needs them.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    // Bundled CommonJS packages call require(); give ESM chunks one.
    banner: {
      js: "import { createRequire as __acmeCreateRequire } from 'node:module'; const require = __acmeCreateRequire(import.meta.url);",
    },
    plugins: [externalPackages, relocateAssets(assets)],
  });
  for (const [from, target] of assets) {
    await stat(from); // a missing asset fails the build, not the first request
    await cp(from, join(outdir, target), { recursive: true });
  }
  // temporal-worker.ts loads `workflow-bundle.js` from beside itself when it exists (only here).
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(repoRoot, 'services/worker/src/workflows/index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} } as never,
  });
  await writeFile(join(outdir, 'workflow-bundle.js'), code);
}

/** How to run a role: its CLI entry, the node flags and the environment it needs on top of the config. */
export interface RoleCommand {
  cli: string;
  execArgv: string[];
  env: Record<string, string>;
}

/**
 * The roles as the image runs them (infra/docker/Dockerfile: the bundle on plain node with
 * --enable-source-maps and MALLOC_ARENA_MAX=2), from the sources as they are now: `npm start` and the
 * benchmark run them so. Two malloc arenas instead of eight per core: the worker's native threads
 * (the Temporal core, libuv) each grew one; measured: worker −35 MB at the same throughput.
 */
export async function bundledRoles(log: (line: string) => void = () => {}): Promise<RoleCommand> {
  const { entry } = await bundledCli(log);
  return { cli: entry, execArgv: ['--enable-source-maps'], env: { MALLOC_ARENA_MAX: '2' } };
}

/**
 * The CLI bundled from the sources as they are now: resolves with its entry. The portal is built
 * first when stale (its files go into the bundle). Each bundle has a folder of its own under
 * node_modules/.cache (npm packages resolve from there as from the repository), named by a
 * fingerprint of what it is made of: unchanged sources reuse it, and a new build never replaces files
 * under a process running from an older one (parallel test runs start the gateway side by side).
 * Built beside its folder and moved in whole.
 */
export async function bundledCli(log: (line: string) => void = () => {}): Promise<{ entry: string; built: boolean; ms: number }> {
  await buildPortalIfStale(log);
  const started = Date.now();
  const outdir = join(cacheDir, await sourcesFingerprint(inputs));
  const entry = join(outdir, ENTRY);
  if (await stat(entry).catch(() => null)) return { entry, built: false, ms: Date.now() - started };
  log('Bundling the API and worker roles (their sources changed, or never bundled)...');
  const staging = `${outdir}.building-${process.pid}-${Date.now()}`;
  try {
    await buildCli(staging);
    // Another process may have moved the same bundle in meanwhile: then that one is used.
    await rename(staging, outdir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await pruneOlderBundles(outdir);
  const ms = Date.now() - started;
  log(`Bundled in ${(ms / 1000).toFixed(1)}s.`);
  return { entry, built: true, ms };
}

const cacheDir = join(repoRoot, 'node_modules/.cache/acme-webhooks/cli');

/** 16 hex digits over the paths, sizes and modification times of the files under `paths`. */
export async function sourcesFingerprint(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) await fingerprint(path, hash);
  return hash.digest('hex').slice(0, 16);
}

async function fingerprint(path: string, hash: Hash): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) {
    hash.update(`${relative(repoRoot, path)}\0${info.size}\0${info.mtimeMs}\n`);
    return;
  }
  const entries = (await readdir(path)).sort();
  for (const name of entries) await fingerprint(join(path, name), hash);
}

/** Bundles of other sources, unused for a day: a gateway still running from one keeps it until then. */
async function pruneOlderBundles(current: string): Promise<void> {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === current) continue;
    const info = await stat(path).catch(() => null);
    if (info && info.mtimeMs < dayAgo) await rm(path, { recursive: true, force: true });
  }
}

// npm packages hoisted to the root node_modules stay external: loaded from there at run time,
// installed in the image by `npm ci --omit=dev`. Our workspaces are bundled, and so are the few
// packages npm nested inside a workspace (a version clash at the root), which dist/ could not find.
const rootModules = join(repoRoot, 'node_modules') + sep;
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.path.startsWith('@acme/')) return undefined;
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (found.errors.length > 0 || found.external) return { path: args.path, external: true };
      return found.path.startsWith(rootModules) ? { path: args.path, external: true } : { path: found.path };
    });
  },
};

// `new URL('../public', import.meta.url)` in a bundled module would resolve against dist/cli.js:
// point it at a copy under dist/assets/ instead, keeping the repository's path so names cannot clash.
// Code files (.ts, .js) are not assets: the workflow entry is replaced by the prebuilt bundle.
const ASSET_URL = /new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g;
function relocateAssets(assets: Map<string, string>): Plugin {
  return {
    name: 'relocate-assets',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const source = await readFile(args.path, 'utf8');
        const contents = source.replace(ASSET_URL, (match, _quote: string, rel: string) => {
          if (/\.(ts|js)$/.test(rel)) return match;
          const absolute = resolve(dirname(args.path), rel);
          const target = `assets/${relative(repoRoot, absolute)}`;
          assets.set(absolute, target);
          return `new URL('./${target}', import.meta.url)`;
        });
        return contents === source ? undefined : { contents, loader: 'ts' };
      });
    },
  };
}
