import { defineSignal } from '@temporalio/workflow';

/** Wakes an endpoint's workflow: new retries were recorded for it (sent with signal-with-start). */
export const retriesPendingSignal = defineSignal('retriesPending');

export const DELIVER_TO_ENDPOINT = 'deliverToEndpoint';

export function endpointWorkflowId(endpointId: string): string {
  return `endpoint-${endpointId}`;
}

export interface DeliverToEndpointInput {
  endpointId: string;
}
