import { type BenchContext, setUpPhaseTenant, warmupMs } from '../context.ts';
import { type LatencyResult, latencyResult, routedStream, runOpenLoopPhase } from '../open-loop-phase.ts';

/**
 * Publish → receipt at a fixed offered rate (open loop), one event per request, one endpoint per
 * event: from the moment each publish was due to its first arrival at the receiver.
 */
export async function runLatency(ctx: BenchContext, label = 'latency'): Promise<LatencyResult | null> {
  const { options } = ctx;
  const phase = await setUpPhaseTenant(ctx, label, { endpoints: options.endpoints, routed: true });
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const stream = routedStream(phase, options.rate);
  const run = await runOpenLoopPhase(ctx, {
    label,
    phase,
    streams: [stream],
    tracker,
    durationMs: options.durationS * 1000,
    drainTimeoutMs: 30_000,
    overloadAfterS: 5,
  });
  ctx.receiver.untrack(tracker);
  return latencyResult(run, run.streams[0]!, tracker, warmupMs(options), options.rate);
}
