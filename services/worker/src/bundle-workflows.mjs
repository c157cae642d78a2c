// Bundles the workflow code with webpack and writes it to a file, in a process of its own: webpack
// and its sources stay in this short-lived process, not in the worker's memory for its whole life.
// Plain JavaScript, so it runs with plain node whatever loader started the worker.
//   node bundle-workflows.mjs <workflows entry> <output file>
import { rename, writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

const [entry, output] = process.argv.slice(2);
const quiet = () => {};
const { code } = await bundleWorkflowCode({
  workflowsPath: entry,
  logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet },
});
// Written aside and renamed: a worker starting at the same moment never reads half a file.
const partial = `${output}.${process.pid}.partial`;
await writeFile(partial, code);
await rename(partial, output);
