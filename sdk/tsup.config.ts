import { defineConfig } from 'tsup';

// The published package: ESM and CommonJS, each with its declarations. No dependencies are
// bundled because there are none at run time; the only type package the declarations
// reference (@graphql-typed-document-node/core) is inlined so installs need nothing else.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { resolve: ['@graphql-typed-document-node/core'] },
  platform: 'neutral',
  target: 'es2022',
  outDir: 'dist',
  clean: true,
  sourcemap: false,
  splitting: false,
  treeshake: true,
});
