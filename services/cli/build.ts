// Builds the CLI for the container image (see build-cli.ts): `node dist/cli.js <role>`.
//   node --import tsx services/cli/build.ts [--outdir DIR]
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from './build-cli.ts';

const here = dirname(new URL(import.meta.url).pathname);
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(here, 'dist') } } });
const outdir = resolve(values.outdir as string);
const started = Date.now();
await buildCli(outdir);
console.error(`Built ${relative(process.cwd(), join(outdir, 'cli.js'))} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
