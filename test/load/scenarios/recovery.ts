import { now } from '../clock.ts';
import { type BenchContext, setUpPhaseTenant } from '../context.ts';
import { missing, routedStream, runOpenLoopPhase } from '../open-loop-phase.ts';
import { round } from '../stats.ts';

export interface RecoveryResult {
  /** Offered deliveries/s while the worker was killed and restarted. */
  rate: number;
  /** kill -9 → the last delivery of every event published before the new worker was ready (ms). */
  recoveryMs: number | null;
  /** Set when the gateway could not keep up with the offered rate and publishing stopped early. */
  overloaded: { afterMs: number; outstanding: number } | null;
  /** kill -9 → the new worker process said it was ready (ms). */
  workerRestartMs: number;
  /** Events accepted by the API but not yet delivered when the new worker was ready. */
  backlogAtRestart: number;
  /** Accepted events never received (must be 0). */
  lost: number;
  /** Repeats of a delivery (allowed, at-least-once; an attempt the kill interrupted). */
  duplicates: number;
  published: number;
  /** Events published before the kill that arrived only after the claim lease ran out. */
  deliveredAfterLease: number;
  leaseMs: number;
  killedAtMs: number;
}

/**
 * kill -9 of the worker while the latency load runs, a new worker started at once, publishing going on
 * throughout. Waits long enough for the dead worker's leased claims to come back (DISPATCHER_LEASE_MS),
 * then compares every accepted event id with the webhook-ids the receiver got.
 */
export async function runRecovery(ctx: BenchContext, rate: number): Promise<RecoveryResult> {
  const { options, gateway } = ctx;
  const worker = gateway.worker!;
  const phase = await setUpPhaseTenant(ctx, 'recovery', { endpoints: options.endpoints, routed: true });
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const durationMs = options.durationS * 1000;
  const killAtMs = Math.round(durationMs * 0.3);
  let killedAt = 0;
  let readyAt = 0;
  let workerRestartMs = 0;
  let backlogAtRestart = 0;

  const run = await runOpenLoopPhase(ctx, {
    label: 'recovery (kill -9)',
    phase,
    streams: [routedStream(phase, rate)],
    tracker,
    durationMs,
    hooks: [
      {
        atMs: killAtMs,
        run: async (streams) => {
          await worker.kill();
          killedAt = now();
          ctx.progress.log(`[bench] worker killed with SIGKILL at ${(killAtMs / 1000).toFixed(1)}s; starting a new one`);
          workerRestartMs = await worker.start();
          readyAt = now();
          const accepted = streams[0]!.sent.filter((e) => e.id).length;
          backlogAtRestart = Math.max(0, accepted - tracker.delivered);
        },
      },
    ],
    // The dead worker's claims come back only when their lease runs out.
    drainTimeoutMs: Math.max(30_000, gateway.leaseMs + 15_000 - Math.max(0, durationMs - killAtMs)),
    // The outage itself queues a few seconds of load; more than this and the gateway is not catching up.
    overloadAfterS: 15,
  });
  const stream = () => run.streams[0]!;
  ctx.receiver.untrack(tracker);

  let last = killedAt;
  let complete = true;
  let deliveredAfterLease = 0;
  for (const entry of stream().sent) {
    if (!entry.id) continue;
    const arrived = tracker.arrivalOf(entry.paths[0]!, entry.id);
    if (entry.due < killedAt && arrived !== undefined && arrived - killedAt >= gateway.leaseMs - 1000) deliveredAfterLease++;
    if (entry.due >= readyAt) continue;
    if (arrived === undefined) complete = false;
    else last = Math.max(last, arrived);
  }
  return {
    rate,
    recoveryMs: complete ? round(last - killedAt, 0) : null,
    workerRestartMs: round(workerRestartMs, 0),
    backlogAtRestart,
    lost: missing(stream(), tracker),
    duplicates: tracker.duplicates,
    published: stream().sent.filter((e) => e.id).length,
    deliveredAfterLease,
    leaseMs: gateway.leaseMs,
    killedAtMs: killAtMs,
    overloaded: run.overloaded,
  };
}
