import { type Db, type DeliveryMetrics, type Logger, markHandedOff } from '@acme/core';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import pLimit from 'p-limit';
import type { TemporalClientProvider } from './temporal-client.ts';
import {
  DELIVER_TO_ENDPOINT,
  type DeliverToEndpointInput,
  type EndpointSignal,
  endpointSignals,
  endpointWorkflowId,
} from './workflows/signals.ts';

/**
 * Signals an endpoint's workflow. By default with signal-with-start; `start: false` only tells a
 * running one (a pause must not start a workflow), and does nothing when none runs.
 */
export type WorkflowHandoff = (endpointId: string, signal?: EndpointSignal, options?: { start?: boolean }) => Promise<void>;

/**
 * DESIGN §2: starts beyond the worker's free workflow-task slots only queue up inside Temporal
 * and slow every probe down, so a process keeps at most this many signal-with-starts in flight.
 */
const MAX_HANDOFFS_IN_FLIGHT = 8;

/**
 * Hands an endpoint's retries to its workflow: signal-with-start on a deterministic id, so the
 * first caller starts it, later callers only wake it, and a completed one is started afresh.
 * Throws while Temporal is unreachable; the retries wait safely in Postgres meanwhile.
 */
export function createWorkflowHandoff(
  temporal: TemporalClientProvider,
  taskQueue: string,
  metrics?: DeliveryMetrics,
): WorkflowHandoff {
  const limit = pLimit(MAX_HANDOFFS_IN_FLIGHT);
  return (endpointId, signal = 'retriesPending', options = {}) =>
    limit(async () => {
      try {
        if (options.start === false) await signalIfRunning(await temporal.get(), endpointId, signal);
        else await signalWithStart(await temporal.get(), taskQueue, endpointId, signal);
        metrics?.handoffs.inc({ result: 'ok' });
      } catch (err) {
        metrics?.handoffs.inc({ result: 'failed' });
        throw err;
      }
    });
}

async function signalWithStart(client: Client, taskQueue: string, endpointId: string, signal: EndpointSignal) {
  await client.workflow.signalWithStart<(input: DeliverToEndpointInput) => Promise<void>, []>(DELIVER_TO_ENDPOINT, {
    workflowId: endpointWorkflowId(endpointId),
    taskQueue,
    args: [{ endpointId }],
    signal: endpointSignals[signal],
    signalArgs: [],
  });
}

async function signalIfRunning(client: Client, endpointId: string, signal: EndpointSignal) {
  try {
    await client.workflow.getHandle(endpointWorkflowId(endpointId)).signal(endpointSignals[signal]);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

/**
 * Hands each endpoint's deliveries to its workflow, with the signal that says why, and marks exactly
 * those as handed off. A failure is only logged: the rows stay marked "not handed off" and the
 * dispatchers' sweep retries. After one failure (Temporal down, most likely) the endpoints not yet
 * tried are left to the sweep too: trying each one (a connect timeout apiece) would keep a bulk
 * replay over thousands of endpoints busy for minutes to no purpose.
 */
export async function handOverDeliveries(
  handoff: WorkflowHandoff,
  db: Db,
  items: readonly { id: string; endpointId: string }[],
  logger: Logger,
  signal: EndpointSignal = 'retriesPending',
): Promise<void> {
  const byEndpoint = new Map<string, string[]>();
  for (const { id, endpointId } of items) byEndpoint.set(endpointId, [...(byEndpoint.get(endpointId) ?? []), id]);
  let failed = false;
  let skipped = 0;
  const limit = pLimit(MAX_HANDOFFS_IN_FLIGHT);
  await Promise.all(
    [...byEndpoint].map(([endpointId, ids]) =>
      limit(async () => {
        if (failed) {
          skipped++;
          return;
        }
        try {
          await handoff(endpointId, signal);
          await markHandedOff(db, ids);
        } catch (err) {
          failed = true;
          logger.warn({ err, endpointId }, 'could not hand deliveries to the endpoint workflow; will try again');
        }
      }),
    ),
  );
  if (skipped > 0) logger.warn({ endpoints: skipped }, 'hand-off of the other endpoints left to the sweep');
}

/**
 * Starts a hand-off and waits for it at most `waitMs`; after that it carries on in the background.
 * For API mutations: in the usual case the workflow is signalled before the answer, and with Temporal
 * down the answer does not wait for it (the rows are marked not handed off; the sweep sends them).
 */
export function handOverSoon(handOver: () => Promise<void>, waitMs: number): Promise<void> {
  const running = handOver();
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([running, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]).finally(() =>
    clearTimeout(timer),
  );
}
