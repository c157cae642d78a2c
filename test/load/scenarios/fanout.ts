import { now } from '../clock.ts';
import { type BenchContext, setUpPhaseTenant } from '../context.ts';
import { Publisher } from '../publisher.ts';
import { waitForDeliveries } from '../receiver.ts';
import { distribution, round } from '../stats.ts';

export interface FanoutResult {
  endpoints: number;
  /** The worst of the measured runs: publish sent → the last of its deliveries received (ms). */
  completeMs: number | null;
  /** Each measured run (ms); null when not every endpoint got the event within a minute. */
  runsMs: (number | null)[];
  /** The first event, not counted: connections to the receiver opened, code paths warmed. */
  coldMs: number | null;
  /** How long the publish request itself took (it writes one delivery row per endpoint), per run. */
  publishMs: number[];
  /** Publish → first and → median arrival, over the measured runs (ms). */
  firstArrivalMs: number | null;
  medianArrivalMs: number | null;
  undelivered: number;
  duplicates: number;
}

const MEASURED_RUNS = 3;

/** One event to `fanoutEndpoints` endpoints, one at a time: a warm-up event, then three measured ones. */
export async function runFanout(ctx: BenchContext): Promise<FanoutResult> {
  const endpoints = ctx.options.fanoutEndpoints;
  const phase = await setUpPhaseTenant(ctx, 'fanout', { endpoints, routed: false });
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const publisher = new Publisher(ctx.gateway.url, phase.tenant.token, 1);
  const bar = ctx.progress.phase(`fan-out ×${endpoints}`, MEASURED_RUNS + 1);
  const runs: (number | null)[] = [];
  const publishMs: number[] = [];
  const arrivals: number[] = [];
  let undelivered = 0;

  for (let run = 0; run <= MEASURED_RUNS; run++) {
    const before = tracker.delivered;
    const sentAt = now();
    const id = await publisher.publish({ seq: run });
    publishMs.push(round(now() - sentAt));
    const complete = await waitForDeliveries(tracker, before + endpoints, 60_000, () =>
      bar.update(run, { published: run + 1, delivered: tracker.delivered }),
    );
    const times = phase.paths.map((p) => tracker.arrivalOf(p, id)).filter((t): t is number => t !== undefined);
    undelivered += endpoints - times.length;
    runs.push(complete ? round(Math.max(...times) - sentAt, 1) : null);
    if (run > 0) arrivals.push(...times.map((t) => t - sentAt));
  }
  bar.update(MEASURED_RUNS + 1, { published: MEASURED_RUNS + 1, delivered: tracker.delivered });
  bar.stop();
  await publisher.close();
  ctx.receiver.untrack(tracker);

  const measured = runs.slice(1);
  const dist = distribution(arrivals);
  return {
    endpoints,
    completeMs: measured.some((r) => r === null) ? null : Math.max(...(measured as number[])),
    runsMs: measured,
    coldMs: runs[0] ?? null,
    publishMs: publishMs.slice(1),
    firstArrivalMs: arrivals.length ? round(Math.min(...arrivals), 1) : null,
    medianArrivalMs: dist?.p50 ?? null,
    undelivered,
    duplicates: tracker.duplicates,
  };
}
