// What the API needs of the worker package: the Temporal client, readiness and the hand-off to the
// endpoints' workflows. Not the Temporal worker (its native core and webpack): an API process that
// imported it would carry them in memory for nothing.
export { checkReadiness } from './readiness.ts';
export { TemporalClientProvider } from './temporal-client.ts';
export { createWorkflowHandoff, handOverDeliveries, type WorkflowHandoff } from './workflow-handoff.ts';
export { type EndpointSignal, endpointWorkflowId } from './workflows/signals.ts';
