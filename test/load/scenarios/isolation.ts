import { type BenchContext, setUpPhaseTenant, warmupMs } from '../context.ts';
import { type LatencyResult, latencyResult, routedStream, runOpenLoopPhase } from '../open-loop-phase.ts';
import { round } from '../stats.ts';
import { OVERLOAD_AFTER_S } from './latency.ts';

export type BadKind = 'hang' | 'fail';

export interface IsolationRun {
  kind: BadKind;
  /** The healthy endpoints' latency while the bad one misbehaved. */
  others: LatencyResult | null;
  /** Their p99 against the baseline's (positive: worse); set once the control run after it is in. */
  p99IncreasePct: number | null;
  /** Workflows started on the task queue during the run (goal: one, for the bad endpoint). */
  workflowsStarted: number | null;
  /** Requests that reached the bad endpoint: the circuit breaker shows as few, not one per event. */
  badEndpointRequests: number;
  badEndpointEvents: number;
}

/**
 * The latency run again, on a tenant with one more endpoint that never answers ("hang": each attempt
 * ends at the gateway's timeout) or answers 500 at once ("fail"), on another origin, as another host
 * would be. The same events per second as the latency run, shared evenly over all the endpoints (the
 * bad one gets its share, like every other): so the comparison with that run measures what the bad
 * endpoint's misbehaviour does to the others, not what 10 % more traffic does.
 */
export async function runIsolation(ctx: BenchContext, kind: BadKind, rate: number): Promise<IsolationRun> {
  const { options } = ctx;
  const phase = await setUpPhaseTenant(ctx, `iso-${kind}`, { endpoints: options.endpoints, routed: true, bad: kind });
  const bad = phase.bad!;
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const badTracker = ctx.receiver.track(bad.path);
  const startedAt = new Date();
  const share = rate / (options.endpoints + 1);
  const othersRate = rate - share;
  const run = await runOpenLoopPhase(ctx, {
    label: `isolation ${kind}`,
    phase,
    streams: [routedStream(phase, othersRate), { rate: share, route: () => ({ consumerId: bad.consumerId, paths: [bad.path] }) }],
    tracker,
    durationMs: options.durationS * 1000,
    drainTimeoutMs: 15_000,
    overloadAfterS: OVERLOAD_AFTER_S,
    awaited: (stream) => stream === 0,
  });
  const workflowsStarted = ctx.temporal ? await ctx.temporal.workflowsStartedSince(startedAt) : null;
  // Deleting it cancels its workflow: its retries must not run on into the next phases.
  await ctx.client.deleteEndpoint(phase.tenant.token, bad.id);
  ctx.receiver.untrack(tracker);
  ctx.receiver.untrack(badTracker);

  const others = latencyResult(run, run.streams[0]!, tracker, warmupMs(options), othersRate);
  return {
    kind,
    others,
    p99IncreasePct: null,
    workflowsStarted,
    badEndpointRequests: badTracker.requests,
    badEndpointEvents: run.streams[1]!.sent.filter((e) => e.id).length,
  };
}

/**
 * The healthy endpoints' p99 without a bad endpoint: the mean of the latency run before the isolation
 * runs and of the same run once more after them. p99s of identical runs on a busy 2-core machine
 * differ by tens of percent, and the first phase of a fresh gateway is the slowest; a baseline from
 * before and after cancels a drift between them, and their difference (`controlChangePct`) shows how
 * far an increase has to go before it means anything.
 */
export function isolationBaseline(
  before: LatencyResult | null,
  after: LatencyResult | null,
): { baselineP99Ms: number | null; controlChangePct: number | null } {
  const usable = (run: LatencyResult | null) => (run && !run.overloaded && Number.isFinite(run.p99) ? run.p99 : null);
  const [b, a] = [usable(before), usable(after)];
  if (b === null) return { baselineP99Ms: a, controlChangePct: null };
  if (a === null) return { baselineP99Ms: b, controlChangePct: null };
  return { baselineP99Ms: round((a + b) / 2, 2), controlChangePct: round(((a - b) / b) * 100, 1) };
}

/** The healthy endpoints' p99 while the bad one misbehaved, against the baseline (positive: worse). */
export function p99Increase(run: IsolationRun, baselineP99: number | null): number | null {
  const { others } = run;
  return others && baselineP99 && Number.isFinite(others.p99) && !others.overloaded
    ? round(((others.p99 - baselineP99) / baselineP99) * 100, 1)
    : null;
}
