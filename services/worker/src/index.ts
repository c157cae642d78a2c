export { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
export { checkReadiness } from './readiness.ts';
export { ensureRetentionSchedule, retentionScheduleId } from './retention-schedule.ts';
export { TemporalClientProvider } from './temporal-client.ts';
export { type RunningWorker, startWorker } from './worker.ts';
export { loadWorkflowBundle } from './workflow-bundle.ts';
export { createWorkflowHandoff, handOverDeliveries, type WorkflowHandoff } from './workflow-handoff.ts';
export { type EndpointSignal, endpointWorkflowId } from './workflows/signals.ts';
