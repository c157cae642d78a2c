// Finds or builds the deploy-file validators (helm, kubeconform, the compose-spec loader) and the
// Kubernetes schemas ahead of the tests: CI runs it before `npm test` so the build is visible on
// its own and the test stays fast. Without Go it says so; the test then skips, loudly.
import { ensureDeployTools } from './deploy-tools.ts';

const started = Date.now();
const tools = await ensureDeployTools((line) => console.error(line));
if (tools) console.error(`Deploy tools ready in ${((Date.now() - started) / 1000).toFixed(1)}s: ${JSON.stringify(tools)}`);
else console.error('Go >= 1.25 is not installed: the deploy-file validation test will be skipped.');
