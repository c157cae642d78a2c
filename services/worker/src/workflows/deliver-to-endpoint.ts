import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { type DeliverToEndpointInput, endpointSignals } from './signals.ts';

// Activity failures here are infrastructure failures (database briefly down), never delivery
// attempts: a failed HTTP attempt is a recorded outcome, not an error. So retry them patiently.
const { planRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});
// Sending can take as long as the slowest endpoint timeout, so liveness comes from heartbeats (one a
// second): if the worker dies mid-batch, another worker retries the batch within heartbeatTimeout.
// Short, because that is how late the endpoint's retries are after a crash.
const { sendDueRetries } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '5s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// Each round adds about ten events; well under the history size where replay gets slow.
const MAX_ROUNDS = 200;
/** How long before a retry is due the workflow hands over to the send, which waits (up to 1.5 s) itself. */
const SEND_AHEAD_MS = 1000;

/**
 * One endpoint's trouble. It asks when the next retry (or probe) may go, within the endpoint's rate
 * limit, sleeps on a durable timer until then (or until a signal), and sends whatever is due; the
 * send answers the same question for the next round. The retry state lives in Postgres; this
 * workflow holds the timer. While it runs the endpoint is in recovery and its new deliveries wait
 * for a probe to get through. It ends when nothing is left, or when the endpoint is paused, disabled
 * or its tenant suspended (the retries wait in Postgres), and continues as new before its history
 * grows long.
 */
export async function deliverToEndpoint(input: DeliverToEndpointInput): Promise<void> {
  // Set by any signal; cleared just before each activity that reads Postgres, so a signal that
  // arrives while one runs makes the next wait end at once and the workflow plan again.
  let signalled = false;
  for (const signal of Object.values(endpointSignals)) {
    setHandler(signal, () => {
      signalled = true;
    });
  }
  const plan = () => {
    signalled = false;
    return planRetries(input.endpointId);
  };

  const fresh = workflowInfo().continuedFromExecutionRunId === undefined;
  signalled = false;
  let next = await planRetries(input.endpointId, { started: fresh });
  const maxRounds = input.maxRounds ?? MAX_ROUNDS;
  for (let round = 0; round < maxRounds && !workflowInfo().continueAsNewSuggested; round++) {
    if (next === null) {
      if (!signalled) return;
      next = await plan();
    } else if (next > SEND_AHEAD_MS) {
      // Woken a little early: the send waits out the rest itself, so the retry goes out on time
      // rather than a timer-task-activity round trip late.
      const woken = await condition(() => signalled, next - SEND_AHEAD_MS);
      next = woken ? await plan() : 0;
    } else {
      signalled = false;
      next = await sendDueRetries(input.endpointId);
    }
  }
  await continueAsNew<typeof deliverToEndpoint>(input);
}
