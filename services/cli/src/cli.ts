#!/usr/bin/env node
// acme-webhooks: one command, one subcommand per process role. In development:
// `node --import tsx services/cli/src/cli.ts <role>`; in the image: `node services/cli/dist/cli.js <role>`.
import { ConfigError } from '@acme/core';
import { Command, InvalidArgumentError } from 'commander';

/** A bad setting is the operator's to fix: say what, without a stack trace. */
function action<A extends unknown[]>(run: (...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    try {
      const code = await run(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
        process.exit(2);
      }
      process.stderr.write(`acme-webhooks: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    }
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('a whole number from 1 to 10000');
  return n;
}

// Each role loads only its own code: an API process never loads the Temporal worker (its native
// core, webpack), nor a worker Apollo and the portal. Memory is the API's and worker's scarce resource.
const program = new Command('acme-webhooks')
  .description('Acme Webhooks: a multi-tenant webhook delivery gateway. Settings come from the environment (see .env.example).')
  .showHelpAfterError();

program
  .command('api')
  .description('serve GraphQL, REST, /healthz, /readyz, /metrics and the portal on HOST:PORT (stateless; scale out freely)')
  .action(action(async () => (await import('./commands/api.ts')).runApi()));
program
  .command('worker')
  .description('run the dispatcher (first attempts) and the Temporal worker (retries, replays, retention); scale out freely')
  .action(action(async () => (await import('./commands/worker.ts')).runWorker()));
program
  .command('migrate')
  .description('apply pending database migrations and exit (safe to run from several places at once)')
  .action(action(async () => (await import('./commands/migrate.ts')).runMigrate()));
program
  .command('start')
  .description('the whole gateway on one machine, as `npm start` runs it (embedded Postgres and Temporal unless configured)')
  .action(action(async () => (await import('./commands/start.ts')).runStart()));
program
  .command('rotate-master-key')
  .description('re-encrypt every endpoint secret from SECRETS_MASTER_KEY_PREVIOUS to SECRETS_MASTER_KEY (resumable)')
  .option('--batch-size <rows>', 'secrets per transaction', positiveInt, 500)
  .option('--dry-run', 'count what would be re-encrypted, change nothing', false)
  .action(
    action(async (options: { batchSize: number; dryRun: boolean }) =>
      (await import('./commands/rotate-master-key.ts')).runRotateMasterKey(options),
    ),
  );

await program.parseAsync();
