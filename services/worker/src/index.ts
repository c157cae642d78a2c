export { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
export * from './handoff.ts';
export { ensureRetentionSchedule, retentionScheduleId } from './retention-schedule.ts';
export { type RunningWorker, startWorker } from './worker.ts';
export { loadWorkflowBundle } from './workflow-bundle.ts';
