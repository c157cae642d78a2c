import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { type DeliverToEndpointInput, endpointSignals } from './signals.ts';

// Activity failures here are infrastructure failures (database briefly down), never delivery
// attempts: a failed HTTP attempt is a recorded outcome, not an error. So retry them patiently.
const { planRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Sending can take as long as the slowest endpoint timeout, so liveness comes from heartbeats:
// if the worker dies mid-batch, another worker retries the batch within heartbeatTimeout.
const { sendDueRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// Each round adds about ten events; well under the history size where replay gets slow.
const MAX_ROUNDS = 200;

/**
 * One endpoint's trouble. Each round it asks when the next retry (or probe) may go, within the
 * endpoint's rate limit, sleeps on a durable timer until then (or until a signal), and sends
 * whatever is due. The retry state lives in Postgres; this workflow holds the timer. While it runs
 * the endpoint is in recovery and its new deliveries wait for a probe to get through. It ends when
 * nothing is left, or when the endpoint is paused, disabled or its tenant suspended (the retries
 * wait in Postgres), and continues as new before its history grows long.
 */
export async function deliverToEndpoint(input: DeliverToEndpointInput): Promise<void> {
  let signalled = false;
  for (const signal of Object.values(endpointSignals)) {
    setHandler(signal, () => {
      signalled = true;
    });
  }

  const fresh = workflowInfo().continuedFromExecutionRunId === undefined;
  for (let round = 0; round < MAX_ROUNDS && !workflowInfo().continueAsNewSuggested; round++) {
    signalled = false;
    const delayMs = await planRetries(input.endpointId, { started: fresh && round === 0 });
    if (delayMs === null) {
      // A signal that arrived while we looked means something changed since: look again.
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
