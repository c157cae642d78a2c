// Finds or builds the Temporal CLI ahead of time (CI runs it before the tests, so the build's
// progress is visible on its own and the test timer does not include it).
import { findOrBuildTemporalCli } from './temporal-cli.ts';

// A script of its own, before any config: it honours TEMPORAL_CLI_PATH as `npm start` does.
const path = await findOrBuildTemporalCli((line) => console.error(line), process.env.TEMPORAL_CLI_PATH);
console.error(`Temporal CLI: ${path}`);
