// Not bundled (a computed specifier): the builder and its dev dependencies run only from source.
const builder = new URL('../../build-cli.ts', import.meta.url).href;

/**
 * The whole gateway in one process tree, as `npm start` runs it: embedded Postgres and a Temporal
 * dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set, then `api` and `worker` as children.
 */
export async function runStart(): Promise<void> {
  let launcher: typeof import('@acme/infra-local/start');
  try {
    launcher = await import('@acme/infra-local/start');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new Error(
      '`start` is for development and needs the dev dependencies (npm ci). In an image, run `migrate`, `api` and `worker`.',
    );
  }
  const self = process.argv[1] as string;
  await launcher.startEverything({
    roles: async (say) => {
      // Run from dist/ (the image): the roles run this same bundle, the way we were run.
      if (!self.endsWith('.ts')) return { cli: self, execArgv: process.execArgv, env: {} };
      // From source: as the image runs them, from a bundle built again when the sources change.
      const { bundledRoles } = (await import(builder)) as typeof import('../../build-cli.ts');
      return bundledRoles(say);
    },
  });
}
