import { type BenchContext, setUpPhaseTenant, warmupMs } from '../context.ts';
import { type LatencyResult, latencyResult, routedStream, runOpenLoopPhase } from '../open-loop-phase.ts';

/**
 * An open-loop phase stops once a second of offered load is outstanding: the latency is then already
 * twenty times the p99 target, and every further send would only lengthen the queue and the run.
 */
export const OVERLOAD_AFTER_S = 1;

/**
 * Publish → receipt at a fixed offered rate (open loop), one event per request, one endpoint per
 * event: from the moment each publish was due to its first arrival at the receiver.
 */
export async function runLatency(ctx: BenchContext, label: string, rate: number): Promise<LatencyResult | null> {
  const { options } = ctx;
  const phase = await setUpPhaseTenant(ctx, label, { endpoints: options.endpoints, routed: true });
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const stream = routedStream(phase, rate);
  const run = await runOpenLoopPhase(ctx, {
    label,
    phase,
    streams: [stream],
    tracker,
    durationMs: options.durationS * 1000,
    drainTimeoutMs: 15_000,
    overloadAfterS: OVERLOAD_AFTER_S,
  });
  ctx.receiver.untrack(tracker);
  return latencyResult(run, run.streams[0]!, tracker, warmupMs(options), rate);
}
