import { now } from './clock.ts';
import { type BenchContext, type PhaseTenant, route } from './context.ts';
import { runOpenLoop } from './load-loops.ts';
import { PublishErrors } from './publish-errors.ts';
import { Publisher } from './publisher.ts';
import { type Tracker, waitForDeliveries } from './receiver.ts';
import { type Distribution, distribution, round } from './stats.ts';

/** One published event of an open-loop phase. */
export interface Sent {
  /** When it was due to be sent (the latency clock starts here). */
  due: number;
  /** When the publish was answered (accepted): due → answered is the API's share of the latency. */
  answered?: number;
  id: string | null;
  paths: string[];
}

export interface Stream {
  /** Events per second. */
  rate: number;
  /** Where event `seq` goes. */
  route: (seq: number) => { consumerId: string | undefined; paths: string[] };
  sent: Sent[];
}

export interface OpenLoopPhase {
  streams: Stream[];
  errors: PublishErrors;
  startedAt: number;
  endedAt: number;
  /** How late the generator fired its sends (ms): large values mean the machine, not the gateway, was slow. */
  lateMs: number[];
  /** True when every accepted event of every stream reached every endpoint it was due at. */
  drained: boolean;
  /** Set when the phase stopped early because the gateway could not keep up with the offered rate. */
  overloaded: { afterMs: number; outstanding: number } | null;
}

export interface OpenLoopSpec {
  label: string;
  phase: PhaseTenant;
  streams: Omit<Stream, 'sent'>[];
  tracker: Tracker;
  durationMs: number;
  /** Things to do at a point of the run (kill -9 the worker). */
  hooks?: { atMs: number; run: (streams: Stream[]) => Promise<void> }[];
  /** How long to wait after the last send for the deliveries still due. */
  drainTimeoutMs: number;
  /** Only these streams' deliveries are waited for (a hanging endpoint's never come). */
  awaited?: (stream: number) => boolean;
  /**
   * Stop sending once this many seconds of offered load are outstanding (published or being published,
   * not yet delivered): past that the gateway is not keeping up, every further send only adds to the
   * queue, and the run would overrun its time for no more information.
   */
  overloadAfterS: number;
}

/**
 * Offered load on the clock: each stream sends at its rate whatever the gateway answers, through one
 * keep-alive pool, recording when each event was due and its id; then waits for the deliveries.
 */
export async function runOpenLoopPhase(ctx: BenchContext, spec: OpenLoopSpec): Promise<OpenLoopPhase> {
  const totalRate = spec.streams.reduce((sum, s) => sum + s.rate, 0);
  // Enough connections that a slow answer never delays the next send: ~100 ms of sends in flight.
  const publisher = new Publisher(ctx.gateway.url, spec.phase.tenant.token, Math.max(16, Math.ceil(totalRate / 10)));
  const errors = new PublishErrors();
  const streams: Stream[] = spec.streams.map((s) => ({ ...s, sent: [] }));
  const inFlight = new Set<Promise<void>>();
  const bar = ctx.progress.phase(spec.label, spec.durationMs / 1000);
  const startedAt = now();
  let published = 0;
  // Deliveries of awaited streams: due (fired), answered (accepted or refused), accepted.
  const counts = { fired: 0, answered: 0, accepted: 0 };
  let overloaded: OpenLoopPhase['overloaded'] = null;
  const awaitedRate = spec.streams.reduce((sum, s, i) => sum + ((spec.awaited?.(i) ?? true) ? s.rate : 0), 0);
  const outstanding = () => counts.fired - counts.answered + Math.max(0, counts.accepted - spec.tracker.delivered);
  const abort = () => {
    if (!overloaded && outstanding() > Math.max(100, awaitedRate * spec.overloadAfterS)) {
      overloaded = { afterMs: Math.round(now() - startedAt), outstanding: outstanding() };
      ctx.progress.log(
        `[bench] ${spec.label}: stopped after ${(overloaded.afterMs / 1000).toFixed(1)}s, ${overloaded.outstanding} deliveries outstanding: the gateway is not keeping up with the offered rate.`,
      );
    }
    return overloaded !== null;
  };
  const hookRuns = (spec.hooks ?? []).map(
    (hook) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => hook.run(streams).then(resolve, reject), hook.atMs);
      }),
  );

  const loops = streams.map((stream, index) =>
    runOpenLoop({
      rate: stream.rate,
      durationMs: spec.durationMs,
      fire: (seq, due) => {
        const target = stream.route(seq);
        const entry: Sent = { due, id: null, paths: target.paths };
        stream.sent.push(entry);
        const deliveries = (spec.awaited?.(index) ?? true) ? target.paths.length : 0;
        counts.fired += deliveries;
        const p = publisher.publish({ seq, consumerId: target.consumerId }).then(
          (id) => {
            entry.answered = now();
            entry.id = id;
            published++;
            counts.answered += deliveries;
            counts.accepted += deliveries;
          },
          (err) => {
            counts.answered += deliveries;
            errors.record(err);
          },
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      },
      abort,
      onTick:
        index === 0 ? () => bar.update((now() - startedAt) / 1000, { published, delivered: spec.tracker.delivered }) : undefined,
    }),
  );
  const results = await Promise.all(loops);
  await Promise.all(inFlight);
  await Promise.all(hookRuns);
  const endedAt = now();

  const expected = streams
    .filter((_, i) => spec.awaited?.(i) ?? true)
    .reduce((n, s) => n + s.sent.filter((e) => e.id).reduce((m, e) => m + e.paths.length, 0), 0);
  const drained = await waitForDeliveries(spec.tracker, expected, spec.drainTimeoutMs, () =>
    bar.update(spec.durationMs / 1000, { published, delivered: spec.tracker.delivered, note: '(waiting for deliveries)' }),
  );
  bar.stop();
  await publisher.close();
  return { streams, errors, startedAt, endedAt, lateMs: results.flatMap((r) => r.lateMs), drained, overloaded };
}

/** Due → first arrival, per delivery of events due at or after `from`; a delivery that never came is Infinity. */
export function latencies(stream: Stream, tracker: Tracker, from: number): number[] {
  const out: number[] = [];
  for (const entry of stream.sent) {
    if (entry.due < from || !entry.id) continue;
    for (const path of entry.paths) {
      const arrived = tracker.arrivalOf(path, entry.id);
      out.push(arrived === undefined ? Number.POSITIVE_INFINITY : arrived - entry.due);
    }
  }
  return out;
}

/** Accepted deliveries that never arrived. */
export function missing(stream: Stream, tracker: Tracker): number {
  let n = 0;
  for (const entry of stream.sent) {
    if (!entry.id) continue;
    for (const path of entry.paths) if (tracker.arrivalOf(path, entry.id) === undefined) n++;
  }
  return n;
}

export interface LatencyResult extends Distribution {
  /** Deliveries per second offered (events × endpoints each). */
  offeredRate: number;
  warmupMs: number;
  /** Accepted deliveries that had not arrived when the phase gave up waiting (counted as Infinity above). */
  missing: number;
  duplicates: number;
  publishErrors: ReturnType<PublishErrors['toJSON']>;
  /** How late the load generator fired, p99 and max (ms). */
  generatorLateMs: { p99: number; max: number };
  /**
   * Due → the publish answered (the API's share: HTTP, auth, the insert's commit), p50 / p99; the rest
   * of the latency is the dispatcher's (NOTIFY, claim, send) and the receiver's.
   */
  publishAnsweredMs: { p50: number; p99: number } | null;
  /** Set when the gateway fell behind the offered rate and the phase was cut short (the figures above then say so). */
  overloaded: OpenLoopPhase['overloaded'];
}

export function latencyResult(
  run: OpenLoopPhase,
  stream: Stream,
  tracker: Tracker,
  warmup: number,
  offeredRate: number,
): LatencyResult | null {
  // A phase cut short within its warm-up is measured whole: what it did send is all there is.
  const measuredWarmup = run.overloaded && run.overloaded.afterMs <= warmup ? 0 : warmup;
  const dist = distribution(latencies(stream, tracker, run.startedAt + measuredWarmup));
  if (!dist) return null;
  const late = distribution(run.lateMs);
  const from = run.startedAt + measuredWarmup;
  const answered = distribution(
    stream.sent.filter((e) => e.due >= from && e.answered !== undefined).map((e) => (e.answered as number) - e.due),
  );
  return {
    ...dist,
    offeredRate,
    warmupMs: round(measuredWarmup, 0),
    missing: missing(stream, tracker),
    duplicates: tracker.duplicates,
    publishErrors: run.errors.toJSON(),
    generatorLateMs: { p99: late?.p99 ?? 0, max: late?.max ?? 0 },
    publishAnsweredMs: answered && { p50: answered.p50, p99: answered.p99 },
    overloaded: run.overloaded,
  };
}

/** The plain stream: `rate` events per second, each to one of the phase's endpoints. */
export function routedStream(phase: PhaseTenant, rate: number): Omit<Stream, 'sent'> {
  return { rate, route: (seq) => route(phase, seq) };
}
