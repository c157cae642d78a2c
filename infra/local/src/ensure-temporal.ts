// Finds or builds the Temporal CLI ahead of time (CI runs it before the tests, so the build's
// progress is visible on its own and the test timer does not include it).
import { findOrBuildTemporalCli } from './temporal-cli.ts';

const path = await findOrBuildTemporalCli((line) => console.error(line));
console.error(`Temporal CLI: ${path}`);
