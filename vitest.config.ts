import { defineConfig } from 'vitest/config';
import { isClosedSocketWriteError } from './services/core/src/db/closed-socket-write.ts';

// One run for every workspace's tests and test/e2e, sharing one real Postgres and one real
// Temporal dev server started by the global setup.
export default defineConfig({
  // Workspace packages that publish a build (the SDK) point this condition at their sources,
  // so tests run the code as it is, without a build first. The rest are Vite's defaults but
  // `module`: Vitest hands these conditions to Node itself (--conditions), and `module` names
  // bundler-only builds in some packages (@opentelemetry/api's imports files without extensions).
  ssr: { resolve: { conditions: ['@acme/source', 'node', 'development|production'] } },
  test: {
    include: [
      'services/*/src/**/*.test.ts',
      'sdk/src/**/*.test.ts',
      'infra/local/src/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/lint/**/*.test.ts',
      'test/deploy/**/*.test.ts',
      'test/load/**/*.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only make the Temporal server and Postgres fight for CPU.
    maxWorkers: 2,
    reporters: ['default'],
    // The in-process gateways of the tests meet the postgres.js bug that the processes in production
    // survive (services/core/src/db/closed-socket-write.ts) when a test restarts Postgres; anything
    // else uncaught still fails the run.
    onUnhandledError: (error) => !isClosedSocketWriteError(error),
  },
});
