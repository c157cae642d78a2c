import { now, sleep } from '../clock.ts';
import { type BenchContext, route, setUpPhaseTenant, warmupMs } from '../context.ts';
import { runClosedLoop } from '../load-loops.ts';
import { cpuBetween } from '../process-stats.ts';
import { PublishErrors } from '../publish-errors.ts';
import { type BatchMode, PublishError, Publisher } from '../publisher.ts';
import { waitForDeliveries } from '../receiver.ts';
import { round } from '../stats.ts';

export type ThroughputMode = 'single' | 'batch' | 'fanout10';

export interface ThroughputResult {
  mode: ThroughputMode;
  /** How events were published: `rest` (POST /v1/events, one per request), `rest-batch`, or `graphql-aliases`. */
  publishVia: string;
  /** Deliveries whose first arrival at the receiver fell in the measured window, per second. */
  deliveriesPerSecond: number;
  /** Events the gateway accepted in the window, per second (above deliveriesPerSecond/fanout: a queue was building). */
  eventsAcceptedPerSecond: number;
  windowSeconds: number;
  deliveredInWindow: number;
  concurrency: number;
  eventsPerRequest: number;
  deliveriesPerEvent: number;
  published: number;
  delivered: number;
  undelivered: number;
  duplicates: number;
  /** From the last publish to the last delivery. */
  drainMs: number | null;
  publishErrors: ReturnType<PublishErrors['toJSON']>;
  /** CPU seconds each process used in the window, and per 1,000 deliveries delivered in it. */
  cpuSeconds: Record<string, number | null>;
  cpuSecondsPer1000: Record<string, number | null>;
}

/**
 * Saturation, closed loop: `concurrency` publishers (fewer for batches, which carry many events each)
 * send as fast as they are answered, pausing only while more than maxBacklog deliveries are queued, so
 * the dispatcher always has work and the queue stays bounded. Measured at the receiver.
 */
export async function runThroughput(
  ctx: BenchContext,
  mode: ThroughputMode,
  durationS: number,
  batchMode: BatchMode | null = null,
): Promise<ThroughputResult> {
  const { options } = ctx;
  const phase = await setUpPhaseTenant(ctx, `tp-${mode}`, {
    endpoints: mode === 'fanout10' ? 10 : options.endpoints,
    routed: mode !== 'fanout10',
  });
  const fanout = mode === 'fanout10' ? 10 : 1;
  const perRequest = mode === 'batch' && batchMode && batchMode.kind !== 'none' ? batchMode.size : 1;
  const concurrency = mode === 'batch' ? Math.max(1, Math.ceil(options.concurrency / 8)) : options.concurrency;
  const publisher = new Publisher(ctx.gateway.url, phase.tenant.token, concurrency);
  const tracker = ctx.receiver.track(`/ok/${phase.group}/`);
  const errors = new PublishErrors();
  let accepted = 0;

  const send = async (i: number) => {
    try {
      if (perRequest === 1) {
        await publisher.publish({ seq: i, consumerId: route(phase, i).consumerId });
        accepted++;
      } else {
        const items = Array.from({ length: perRequest }, (_, k) => {
          const seq = i * perRequest + k;
          return { seq, consumerId: route(phase, seq).consumerId };
        });
        await publisher.publishBatch(batchMode as BatchMode, items);
        accepted += items.length;
      }
    } catch (err) {
      errors.record(err);
      // Rate limited or failing: back off a little rather than spin.
      if (!(err instanceof PublishError) || err.status === 429 || err.status >= 500) await sleep(50);
    }
  };

  const durationMs = durationS * 1000;
  const bar = ctx.progress.phase(`throughput ${mode}`, durationS);
  const started = now();
  const mark = async () => {
    const at = { t: now(), accepted };
    return { ...at, cpu: await ctx.sampler.snapshot() };
  };
  // The measured window opens after the warm-up; a holder, because the timer sets it.
  const window: { start: ReturnType<typeof mark> | null } = { start: null };
  const warmup = setTimeout(
    () => {
      window.start = mark();
    },
    warmupMs(options, durationS),
  );
  await runClosedLoop({
    concurrency,
    durationMs,
    send,
    hold: () => accepted * fanout - tracker.delivered > options.maxBacklog,
    onTick: () => bar.update((now() - started) / 1000, { published: accepted, delivered: tracker.delivered }),
  });
  clearTimeout(warmup);
  const windowEnd = await mark();
  const from = (await window.start) ?? { t: started, cpu: windowEnd.cpu, accepted: 0 };

  const expected = accepted * fanout;
  const drained = await waitForDeliveries(tracker, expected, Math.max(30_000, durationMs), () =>
    bar.update(durationS, { published: accepted, delivered: tracker.delivered, note: '(draining)' }),
  );
  const drainMs = drained ? Math.max(0, (tracker.lastArrival() ?? windowEnd.t) - windowEnd.t) : null;
  bar.stop();
  await publisher.close();
  ctx.receiver.untrack(tracker);

  const windowSeconds = (windowEnd.t - from.t) / 1000;
  const deliveredInWindow = tracker.deliveredBetween(from.t, windowEnd.t);
  const cpu = cpuBetween(from.cpu, windowEnd.cpu);
  return {
    mode,
    publishVia: perRequest === 1 ? 'rest' : batchMode?.kind === 'rest' ? 'rest-batch' : String(batchMode?.kind),
    deliveriesPerSecond: round(deliveredInWindow / windowSeconds, 1),
    eventsAcceptedPerSecond: round((windowEnd.accepted - from.accepted) / windowSeconds, 1),
    windowSeconds: round(windowSeconds),
    deliveredInWindow,
    concurrency,
    eventsPerRequest: perRequest,
    deliveriesPerEvent: fanout,
    published: accepted,
    delivered: tracker.delivered,
    undelivered: expected - tracker.delivered,
    duplicates: tracker.duplicates,
    drainMs: drainMs === null ? null : round(drainMs, 0),
    publishErrors: errors.toJSON(),
    cpuSeconds: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v === null ? null : round(v, 2)])),
    cpuSecondsPer1000: per1000(cpu, deliveredInWindow),
  };
}

export function per1000(cpu: Record<string, number | null>, deliveries: number): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  let total = 0;
  for (const [name, seconds] of Object.entries(cpu)) {
    out[name] = seconds === null || deliveries === 0 ? null : round((seconds * 1000) / deliveries, 3);
    // Our own load tools are not the gateway's cost.
    if (seconds !== null && !['bench', 'receiver', 'floor'].includes(name)) total += seconds;
  }
  out.gatewayTotal = deliveries === 0 ? null : round((total * 1000) / deliveries, 3);
  return out;
}
