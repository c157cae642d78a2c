// What an API process needs of the worker: hand deliveries over to endpoint workflows and check
// Temporal is reachable. Temporal client only: importing this never loads @temporalio/worker (its
// native core and webpack), which the package's main entry does.
export { checkReadiness } from './readiness.ts';
export { TemporalClientProvider } from './temporal-client.ts';
export { createWorkflowHandoff, handOverDeliveries, handOverSoon, type WorkflowHandoff } from './workflow-handoff.ts';
export { type EndpointSignal, endpointWorkflowId } from './workflows/signals.ts';
