export * from './client.ts';
export { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
export { ensureRetentionSchedule, retentionScheduleId } from './retention-schedule.ts';
export { type RunningWorker, startWorker } from './worker.ts';
export { loadWorkflowBundle } from './workflow-bundle.ts';
