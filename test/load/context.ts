import type { GatewayTarget } from './gateway.ts';
import type { BenchTenant, GatewayClient } from './gateway-client.ts';
import type { ProcessSampler } from './process-stats.ts';
import type { Progress } from './progress.ts';
import type { Receiver } from './receiver.ts';
import type { TemporalProbe } from './temporal-probe.ts';

export const SCENARIOS = ['throughput', 'latency', 'fanout', 'isolation', 'recovery', 'cost', 'floor'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: ReadonlySet<ScenarioName>;
  /** Seconds per measured phase, warm-up included. */
  durationS: number;
  /** Offered deliveries per second in the open-loop phases (latency, isolation, recovery). */
  rate: number;
  /** Endpoints the single-delivery events are spread over (one endpoint per event). */
  endpoints: number;
  /** Endpoints of the fan-out scenario. */
  fanoutEndpoints: number;
  /** Closed-loop publishers (and the floor's concurrent loops). */
  concurrency: number;
  batchSize: number;
  /** Closed-loop publishers pause while more deliveries than this are published but not yet received. */
  maxBacklog: number;
  /** Healthy endpoints answer this many ms after a request arrived (0: at once). */
  receiverDelayMs: number;
  warmupS: number;
  showProgress: boolean;
  /** Collect pg_stat_statements over the run (the server must load it: --pg-stats does for our own). */
  pgStats?: boolean;
  /** Vacuum the tables phases write between phases (settle.ts); off: each phase runs in the previous one's wake. */
  vacuum: boolean;
}

export interface BenchContext {
  options: BenchOptions;
  gateway: GatewayTarget;
  client: GatewayClient;
  receiver: Receiver;
  sampler: ProcessSampler;
  temporal: TemporalProbe | null;
  progress: Progress;
  /** Things a reader of the report must know (a fallback taken, a figure skipped and why). */
  notes: string[];
  /** The floor's process, while it runs, for the sampler. */
  floorPid: { current: number | null };
}

/** One phase's tenant: `endpoints` healthy endpoints under /ok/<group>/<i>, and maybe one misbehaving one. */
export interface PhaseTenant {
  tenant: BenchTenant;
  group: string;
  endpointIds: string[];
  paths: string[];
  /** Set when events are routed to one endpoint each (by consumer id). */
  routed: boolean;
  bad: { id: string; path: string; consumerId: string } | null;
}

/**
 * A fresh tenant per phase, so each phase's deliveries are told apart by their endpoint paths and no
 * phase inherits another's backlog or endpoint health. With `routed`, endpoint i belongs to consumer
 * `c<i>` and an event published for that consumer goes to it alone; otherwise every event goes to all.
 */
export async function setUpPhaseTenant(
  ctx: BenchContext,
  group: string,
  spec: { endpoints: number; routed: boolean; bad?: 'fail' | 'hang' },
): Promise<PhaseTenant> {
  const tenant = await ctx.client.createTenant(`bench ${group}`);
  if (!tenant.limitsRaised) {
    addNote(
      ctx,
      'The gateway refused raised publish limits at createTenant; publishes may be rate limited (429, counted as errors).',
    );
  }
  const inputs = Array.from({ length: spec.endpoints }, (_, i) => ({
    url: ctx.receiver.url('ok', group, i),
    ...(spec.routed ? { consumerId: `c${i}` } : {}),
  }));
  const endpointIds = await ctx.client.createEndpoints(tenant.token, inputs);
  let bad: PhaseTenant['bad'] = null;
  if (spec.bad) {
    const [id] = await ctx.client.createEndpoints(tenant.token, [
      { url: ctx.receiver.url(spec.bad, group, 0), consumerId: 'c-bad' },
    ]);
    bad = { id: id as string, path: ctx.receiver.path(spec.bad, group, 0), consumerId: 'c-bad' };
  }
  return {
    tenant,
    group,
    endpointIds,
    paths: inputs.map((_, i) => ctx.receiver.path('ok', group, i)),
    routed: spec.routed,
    bad,
  };
}

/** Where event number `seq` goes: one endpoint (routed) or all of them. */
export function route(phase: PhaseTenant, seq: number): { consumerId: string | undefined; paths: string[] } {
  if (!phase.routed) return { consumerId: undefined, paths: phase.paths };
  const i = seq % phase.paths.length;
  return { consumerId: `c${i}`, paths: [phase.paths[i] as string] };
}

export function addNote(ctx: BenchContext, note: string): void {
  if (!ctx.notes.includes(note)) ctx.notes.push(note);
}

/** The start of a phase that is not measured: --warmup, but never more than a quarter of the phase. */
export function warmupMs(options: BenchOptions, durationS = options.durationS): number {
  return Math.min(options.warmupS * 1000, durationS * 1000 * 0.25);
}

/**
 * Phases that qualify a headline figure rather than make one (batch and fan-out-10 throughput, the
 * floor, whose steady loop needs no long run) take half the duration, so `--duration 20` fits in
 * five minutes with the recovery scenario's wait for the claim lease.
 */
export function secondaryDurationS(options: BenchOptions): number {
  return options.durationS / 2;
}
