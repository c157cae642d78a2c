// What the global test setup (test/support/global-setup.ts) provides to every test file.
declare module 'vitest' {
  interface ProvidedContext {
    /** The migrated database every test may share (isolate by creating your own tenant). */
    databaseUrl: string;
    /** A superuser URL of the same server, to create databases. */
    adminDatabaseUrl: string;
    temporalAddress: string;
    dataDir: string;
  }
}

export {};
