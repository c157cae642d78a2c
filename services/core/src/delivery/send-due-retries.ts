import { randomUUID } from 'node:crypto';
import { attemptDeliveries } from './attempt-deliveries.ts';
import type { DeliveryEngine } from './delivery-engine.ts';
import { leaseDueRetries, loadDueRetries } from './due-retries.ts';
import { planRetries } from './plan-retries.ts';
import { takeDeliveryTokens } from './rate-limit.ts';

export interface SendDueRetriesOptions {
  /** Deliveries loaded at a time. */
  batch: number;
  /** Retries due within this long are waited for here rather than on a workflow timer. */
  waitUpToMs: number;
  /** Back to the workflow after this long, so that its history shows progress. */
  budgetMs: number;
  /** Called as work gets done (the activity heartbeats). */
  onProgress?: () => void;
  /**
   * Aborted (the worker is stopping): the chunk being sent finishes and is recorded, nothing more is
   * started, and the plan goes back to the workflow, whose next round another worker runs at once.
   */
  signal?: AbortSignal;
  /** Names this round in the leases it takes (lease_owner); unique per round. Default: a random name. */
  owner?: string;
}

/** A chunk's lease outlasts its slowest attempt (timeout, plus connecting) and its recording. */
const LEASE_MARGIN_MS = 60_000;

/**
 * Lease owners of the rounds this process ran that have ended (returned or threw), per endpoint:
 * nothing of theirs is in flight any more, so their leases need not be waited out. Their usual case:
 * a round whose recording failed (the database went away) and that Temporal retries, most often on
 * this worker. Per process, because only this process knows its rounds ended; the last few rounds
 * of the most recent endpoints are kept.
 */
const endedRounds = new Map<string, string[]>();
const ENDED_ROUNDS_PER_ENDPOINT = 4;
const ENDPOINTS_KEPT = 5000;

function roundEnded(endpointId: string, owner: string) {
  const owners = [...(endedRounds.get(endpointId) ?? []), owner].slice(-ENDED_ROUNDS_PER_ENDPOINT);
  endedRounds.delete(endpointId);
  endedRounds.set(endpointId, owners);
  if (endedRounds.size > ENDPOINTS_KEPT) endedRounds.delete(endedRounds.keys().next().value as string);
}

/**
 * The workflow path's send. Sends the endpoint's due retries, then plans again, and keeps going
 * while more are due within `waitUpToMs`: a round trip through the workflow (timer, then activity)
 * costs hundreds of milliseconds under load, and retries of a burst fall due a few milliseconds
 * apart. Returns the plan for the workflow: milliseconds until the next retry, or null when done.
 */
export async function sendDueRetries(
  engine: DeliveryEngine,
  endpointId: string,
  options: SendDueRetriesOptions,
): Promise<number | null> {
  const returnBy = Date.now() + options.budgetMs;
  const owner = options.owner ?? `durable-${randomUUID()}`;
  try {
    for (;;) {
      await sendDueBatch(engine, endpointId, owner, options);
      const next = await planRetries(engine.database.sql, endpointId);
      if (next === null || next > options.waitUpToMs || Date.now() + next > returnBy || options.signal?.aborted) return next;
      if (next > 0) await sleep(next, options.signal);
      options.onProgress?.();
    }
  } finally {
    roundEnded(endpointId, owner);
  }
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * One batch of due retries, in chunks of at most the per-endpoint concurrency, each chunk within the
 * endpoint's rate limit, leased as it starts and recorded before the next starts. Stops early when the rate limit is
 * spent or the endpoint stops accepting (paused meanwhile).
 */
async function sendDueBatch(
  engine: DeliveryEngine,
  endpointId: string,
  owner: string,
  options: SendDueRetriesOptions,
): Promise<void> {
  const ended = endedRounds.get(endpointId) ?? [];
  const due = await loadDueRetries(engine.database.sql, endpointId, options.batch, ended);
  if (due.length === 0) return;
  for (let attempted = 0; attempted < due.length && !options.signal?.aborted; ) {
    const wanted = Math.min(engine.perEndpointConcurrency, due.length - attempted);
    const { granted, sending } = await takeDeliveryTokens(engine.database.sql, endpointId, wanted);
    if (!sending || granted === 0) return;
    const chunk = due.slice(attempted, attempted + granted);
    attempted += chunk.length;
    const leaseMs = Math.max(...chunk.map((d) => d.endpoint.timeoutMs ?? engine.timeoutMs)) + LEASE_MARGIN_MS;
    const leased = await leaseDueRetries(
      engine.database.sql,
      chunk.map((d) => d.id),
      owner,
      leaseMs,
      ended,
    );
    // What another round leased since the load (the one Temporal timed out, still running) is its own.
    await attemptDeliveries(
      engine,
      chunk.filter((d) => leased.has(d.id)),
      'DURABLE',
    );
    options.onProgress?.();
  }
}
