import { defineSignal } from '@temporalio/workflow';

// What the endpoint's workflow answers. Each says why it is woken, for whoever reads its history;
// all of them make it plan again from Postgres, where the deliveries' state lives.

/** New retries were recorded for the endpoint (the dispatcher's hand-off and its sweep). */
export const retriesPendingSignal = defineSignal('retriesPending');
/** Retries were made due now (`retryDeliveryNow`, `retryEndpointNow`). */
export const retryNowSignal = defineSignal('retryNow');
/** Finished deliveries were queued again (`replayDelivery`, `replayDeadLetters`). */
export const replaySignal = defineSignal('replay');
/** The endpoint was paused, disabled or deleted: the workflow hands what is left back to Postgres and ends. */
export const pauseSignal = defineSignal('pause');
/** The endpoint was resumed: its held retries are sent again. */
export const resumeSignal = defineSignal('resume');

export const endpointSignals = {
  retriesPending: retriesPendingSignal,
  retryNow: retryNowSignal,
  replay: replaySignal,
  pause: pauseSignal,
  resume: resumeSignal,
} as const;

export type EndpointSignal = keyof typeof endpointSignals;

export const DELIVER_TO_ENDPOINT = 'deliverToEndpoint';

export function endpointWorkflowId(endpointId: string): string {
  return `endpoint-${endpointId}`;
}

export interface DeliverToEndpointInput {
  endpointId: string;
  /** Rounds before continuing as new; only tests set it lower than the default. */
  maxRounds?: number;
}
