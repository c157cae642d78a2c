import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { type DeliverToEndpointInput, retriesPendingSignal } from './signals.ts';

// Activity failures here are infrastructure failures (database briefly down), never delivery
// attempts: a failed HTTP attempt is a recorded outcome, not an error. So retry them patiently.
const { planRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Sending can take as long as the slowest endpoint timeout, so liveness comes from heartbeats:
// if the worker dies mid-batch, another worker retries the batch within heartbeatTimeout.
const { sendDueRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

const MAX_ROUNDS = 1000;

/**
 * One endpoint's trouble. Each round it asks when the next retry (or probe) is due, sleeps on a
 * durable timer until then (or until signalled about new ones), and sends whatever is due. The
 * retry state lives in Postgres; this workflow holds the timer. While it runs the endpoint is in
 * recovery and its new deliveries wait for a probe to get through. It ends when nothing is left,
 * and continues as new before its history grows long.
 */
export async function deliverToEndpoint(input: DeliverToEndpointInput): Promise<void> {
  let signalled = false;
  setHandler(retriesPendingSignal, () => {
    signalled = true;
  });

  for (let round = 0; round < MAX_ROUNDS && !workflowInfo().continueAsNewSuggested; round++) {
    signalled = false;
    const delayMs = await planRetries(input.endpointId);
    if (delayMs === null) {
      // A signal that arrived while we looked means a retry was recorded since: look again.
      if (signalled) continue;
      return;
    }
    if (delayMs > 0) {
      await condition(() => signalled, delayMs);
      continue;
    }
    await sendDueRetries(input.endpointId);
  }
  await continueAsNew<typeof deliverToEndpoint>(input);
}
