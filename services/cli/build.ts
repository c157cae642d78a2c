// Builds the CLI for the container image: `node dist/cli.js <role>` with plain node, no TypeScript
// tooling at run time. Our workspaces are bundled into one ESM program (npm dependencies stay in
// node_modules, installed with `npm ci --omit=dev`); the Temporal workflow code is prebundled
// beside it, so a worker starts without running webpack; files our code reads at run time (the SQL
// migrations, the GraphQL schema, the portal's static files) are copied under dist/assets/.
//   node --import tsx services/cli/build.ts [--outdir DIR]
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { build, type Plugin } from 'esbuild';

const here = dirname(new URL(import.meta.url).pathname);
const repoRoot = resolve(here, '../..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(here, 'dist') } } });
const outdir = resolve(values.outdir as string);
const started = Date.now();

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

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
// Code files (.ts, .js) are not assets: the workflow entry is replaced by the prebuilt bundle below.
const ASSET_URL = /new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g;
const assets = new Map<string, string>();
const relocateAssets: Plugin = {
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
  plugins: [externalPackages, relocateAssets],
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

console.error(`Built ${relative(process.cwd(), join(outdir, 'cli.js'))} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
