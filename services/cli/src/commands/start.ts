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
  // Children run this same CLI the way we were run: with tsx from source, or plain node from dist/.
  await launcher.startEverything({ cli: process.argv[1] as string, execArgv: process.execArgv });
}
