// Generated code is committed, so it must be what `npm run generate` makes from schema/ today:
// render it in memory with the same configuration and compare with what is on disk.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import schemaCodegen from '../../schema/codegen.ts';
import { renderSdkGenerated } from '../../sdk/scripts/generate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stale = (path: string) => `${path} is stale: run \`npm run generate\` and commit the result.`;

describe('generated code', () => {
  it('sdk/src/generated matches schema/graphql, sdk/graphql and schema/openapi', async () => {
    const files = await renderSdkGenerated();
    expect(files.map((f) => f.path).sort()).toEqual(['src/generated/graphql.ts', 'src/generated/rest.ts']);
    for (const file of files) {
      const committed = await readFile(join(root, 'sdk', file.path), 'utf8').catch(() => '');
      expect(committed === file.content, stale(`sdk/${file.path}`)).toBe(true);
    }
  });

  it('services/api/src/generated matches schema/graphql', async () => {
    const cwd = join(root, 'schema');
    const files: { filename: string; content: string }[] = await generate({ ...schemaCodegen, cwd, silent: true }, false);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const path = resolve(cwd, file.filename);
      const committed = await readFile(path, 'utf8').catch(() => '');
      expect(committed === file.content, stale(path.slice(root.length))).toBe(true);
    }
  });
});
