import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { spawnTypeScript } from '../child-process.ts';
import { now } from '../clock.ts';
import { type BenchContext, secondaryDurationS, setUpPhaseTenant, warmupMs } from '../context.ts';
import type { FloorJob, FloorMessage } from '../floor-process.ts';
import { cpuBetween, type Snapshot } from '../process-stats.ts';

interface Mark {
  t: number;
  cpu: Snapshot;
}

import { waitForDeliveries } from '../receiver.ts';
import { type Distribution, distribution, round } from '../stats.ts';

const floorMain = fileURLToPath(new URL('../floor-process.ts', import.meta.url));

/** The gateway's own settings the floor matches (services/core: connectDatabase, createDeliveryClient). */
const GATEWAY_POOL_SIZE = 10;
const GATEWAY_CONNECTIONS_PER_ORIGIN = 64;

export interface FloorThroughput {
  deliveriesPerSecond: number;
  windowSeconds: number;
  concurrency: number;
  errors: number;
  firstError: string | null;
  /** CPU seconds per 1,000 deliveries: the floor process, Postgres, and the two together. */
  cpuSecondsPer1000: { floor: number | null; postgres: number | null; total: number | null };
}

export interface FloorLatency extends Distribution {
  offeredRate: number;
  missing: number;
  errors: number;
}

/**
 * Copies of the real `events` and `deliveries` tables (columns, defaults, indexes, and the foreign keys
 * re-created) in a schema of their own in the same database, so the floor pays for the same writes and
 * the gateway's dispatcher never sees its rows.
 */
export async function prepareFloorTables(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`
      drop schema if exists bench_floor cascade;
      create schema bench_floor;
      create table bench_floor.events (like public.events including all);
      create table bench_floor.deliveries (like public.deliveries including all);
      alter table bench_floor.events add foreign key (tenant_id) references public.tenants (id) on delete cascade;
      alter table bench_floor.deliveries add foreign key (event_id) references bench_floor.events (id) on delete cascade;
      alter table bench_floor.deliveries add foreign key (endpoint_id) references public.endpoints (id) on delete cascade;`);
  } finally {
    await sql.end();
  }
}

/** Runs one floor job in its own process; it stays up (for the last CPU reading) until `exit()`. */
async function runFloorProcess(
  ctx: BenchContext,
  job: FloorJob,
  label: string,
  on: { started: (at: number) => void; progress: (sent: number) => void },
): Promise<{ done: Extract<FloorMessage, { type: 'done' }>; exit: () => Promise<void> }> {
  const child = spawnTypeScript(floorMain);
  ctx.floorPid.current = child.pid ?? null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exit = async () => {
    ctx.floorPid.current = null;
    if (child.connected) child.disconnect();
    await exited;
  };
  try {
    const done = await new Promise<Extract<FloorMessage, { type: 'done' }>>((resolve, reject) => {
      child.on('message', (m: FloorMessage) => {
        if (m.type === 'started') on.started(m.at);
        else if (m.type === 'progress') on.progress(m.sent);
        else resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`The floor (${label}) exited with code ${code}`)));
      child.send(job);
    });
    return { done, exit };
  } catch (err) {
    await exit();
    throw err;
  }
}

async function floorJob(ctx: BenchContext, group: string, load: FloorJob['load']): Promise<FloorJob> {
  const phase = await setUpPhaseTenant(ctx, group, { endpoints: 1, routed: false });
  return {
    databaseUrl: ctx.gateway.databaseUrl!,
    tenantId: phase.tenant.id,
    endpointId: phase.endpointIds[0]!,
    // The floor's own paths on the same origin: the same receiver, the same per-origin pool.
    urlBase: `${ctx.receiver.goodOrigin}/ok/${group}-x`,
    endpoints: ctx.options.endpoints,
    load,
    durationMs: secondaryDurationS(ctx.options) * 1000,
    poolSize: GATEWAY_POOL_SIZE,
    connectionsPerOrigin: GATEWAY_CONNECTIONS_PER_ORIGIN,
  };
}

/** The floor at saturation, at the same concurrency as the gateway's single-event throughput. */
export async function runFloorThroughput(ctx: BenchContext): Promise<FloorThroughput> {
  const { options } = ctx;
  const job = await floorJob(ctx, 'floor-tp', { kind: 'closed', concurrency: options.concurrency });
  const tracker = ctx.receiver.track(`/ok/floor-tp-x/`);
  const bar = ctx.progress.phase('floor throughput', job.durationMs / 1000);
  let started = now();
  const mark = async () => {
    const t = now();
    return { t, cpu: await ctx.sampler.snapshot() };
  };
  // Timers set these: holders, not plain variables.
  const window: { start: Promise<Mark> | null; end: Promise<Mark> | null } = { start: null, end: null };
  const timers: NodeJS.Timeout[] = [];
  const floor = await runFloorProcess(ctx, job, 'throughput', {
    started: () => {
      started = now();
      timers.push(
        setTimeout(
          () => {
            window.start = mark();
          },
          warmupMs(options, job.durationMs / 1000),
        ),
        // The window closes when the floor's loops stop sending, not when its process reports back.
        setTimeout(() => {
          window.end = mark();
        }, job.durationMs),
      );
    },
    progress: (sent) => bar.update((now() - started) / 1000, { published: sent, delivered: tracker.delivered }),
  });
  for (const timer of timers) clearTimeout(timer);
  const windowEnd = (await window.end) ?? (await mark());
  await floor.exit();
  const done = floor.done;
  await waitForDeliveries(tracker, done.events.length / 2 - done.errors, 10_000);
  bar.stop();
  ctx.receiver.untrack(tracker);

  const from = (await window.start) ?? { t: started, cpu: windowEnd.cpu };
  const windowSeconds = (windowEnd.t - from.t) / 1000;
  const delivered = tracker.deliveredBetween(from.t, windowEnd.t);
  const cpu = cpuBetween(from.cpu, windowEnd.cpu);
  const per = (s: number | null | undefined) => (s == null || delivered === 0 ? null : round((s * 1000) / delivered, 3));
  return {
    deliveriesPerSecond: round(delivered / windowSeconds, 1),
    windowSeconds: round(windowSeconds),
    concurrency: options.concurrency,
    errors: done.errors,
    firstError: done.firstError,
    cpuSecondsPer1000: {
      floor: per(cpu.floor),
      postgres: per(cpu.postgres),
      total: cpu.floor == null || cpu.postgres == null ? null : per(cpu.floor + cpu.postgres),
    },
  };
}

/** The floor at the latency scenario's offered rate, open loop, from due time to arrival. */
export async function runFloorLatency(ctx: BenchContext): Promise<FloorLatency | null> {
  const { options } = ctx;
  const job = await floorJob(ctx, 'floor-lat', { kind: 'open', rate: options.rate });
  const tracker = ctx.receiver.track(`/ok/floor-lat-x/`);
  const bar = ctx.progress.phase('floor latency', job.durationMs / 1000);
  let started = now();
  const floor = await runFloorProcess(ctx, job, 'latency', {
    started: (at) => {
      started = at;
    },
    progress: (sent) => bar.update((now() - started) / 1000, { published: sent, delivered: tracker.delivered }),
  });
  await floor.exit();
  const done = floor.done;
  await waitForDeliveries(tracker, done.events.length / 2 - done.errors, 10_000);
  bar.stop();
  ctx.receiver.untrack(tracker);

  const from = started + warmupMs(options, job.durationMs / 1000);
  const values: number[] = [];
  let missingCount = 0;
  for (let i = 0, seq = 0; i < done.events.length; i += 2, seq++) {
    const id = done.events[i] as string;
    const due = done.events[i + 1] as number;
    const arrived = tracker.arrivalOf(`/ok/floor-lat-x/${seq % job.endpoints}`, id);
    if (arrived === undefined) missingCount++;
    if (due >= from) values.push(arrived === undefined ? Number.POSITIVE_INFINITY : arrived - due);
  }
  const dist = distribution(values);
  return dist ? { ...dist, offeredRate: options.rate, missing: missingCount, errors: done.errors } : null;
}
