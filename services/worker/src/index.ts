export { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
export { type RunningWorker, startWorker } from './worker.ts';
export { endpointWorkflowId } from './workflows/signals.ts';
