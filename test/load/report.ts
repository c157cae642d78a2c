import Table from 'cli-table3';
import type { MachineInfo } from './machine.ts';
import type { LatencyResult } from './open-loop-phase.ts';
import type { StatementCost } from './pg-stats.ts';
import type { PeakMemory } from './process-stats.ts';
import type { FanoutResult } from './scenarios/fanout.ts';
import type { FloorLatency, FloorThroughput } from './scenarios/floor.ts';
import type { IsolationRun } from './scenarios/isolation.ts';
import type { RecoveryResult } from './scenarios/recovery.ts';
import type { ThroughputResult } from './scenarios/throughput.ts';
import { round } from './stats.ts';

/** The JSON `--out` writes. Figures of scenarios not run are null (and `notes` says why when it was not by choice). */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  totalSeconds: number;
  /** Sustained deliveries/s, one event per POST /v1/events, one endpoint per event. */
  deliveriesPerSecond: number | null;
  /** Publish → receipt at `config.rate` deliveries/s. */
  latencyMs: LatencyResult | null;
  throughput: { single: ThroughputResult | null; batch: ThroughputResult | null; fanout10: ThroughputResult | null };
  fanout: FanoutResult | null;
  isolation: {
    /** Offered deliveries/s: --rate, or less when the gateway could not sustain --rate (see baseline). */
    rate: number;
    /** Its own latency run without a bad endpoint, when the latency scenario's was at another rate; else null. */
    baseline: LatencyResult | null;
    /** The same latency run once more, after the isolation runs, without a bad endpoint. */
    control: LatencyResult | null;
    /** Its p99 against the one before (the noise between identical runs). */
    controlChangePct: number | null;
    /** What the isolation runs are compared with: the mean of the p99s before and after them. */
    baselineP99Ms: number | null;
    hang: IsolationRun | null;
    fail: IsolationRun | null;
  } | null;
  recovery: RecoveryResult | null;
  cost: Cost | null;
  floor: Floor | null;
  targets: TargetCheck[];
  machine: MachineInfo;
  config: Record<string, unknown>;
  /**
   * Where the run's time went, phase by phase: when it started, how long it waited for the queue to
   * drain (and the vacuum and checkpoint after it), how many checkpoints Postgres began while it ran,
   * how long it ran (s).
   */
  timeline: {
    phase: string;
    startS: number;
    settleS: number;
    vacuumedDeadRows?: number;
    vacuumMs?: number;
    checkpointMs?: number;
    checkpointsDuring?: number;
    seconds: number;
  }[];
  /** With --pg-stats: the statements with the most Postgres time over the run. */
  postgresTopStatements: StatementCost[] | null;
  notes: string[];
}

export interface Cost {
  /** CPU seconds per 1,000 deliveries, per process, over the single-event throughput window. */
  cpuSecondsPer1000: Record<string, number | null> | null;
  /** Peak memory per process group over the whole run (MB). */
  peakMemoryMb: Record<string, PeakMemory>;
  /** Peak RSS (VmHWM) of the API plus that of the worker. */
  apiPlusWorkerPeakRssMb: number | null;
}

export interface Floor {
  deliveriesPerSecond: number | null;
  latencyMs: FloorLatency | null;
  throughput: FloorThroughput | null;
  /** Ours over the floor: throughput (higher is better, target ≥ 0.5) and latency (lower is better). */
  ratio: { throughput: number | null; latencyP50: number | null; latencyP99: number | null };
}

export interface TargetCheck {
  name: string;
  value: number | null;
  unit: string;
  target: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

const check = (name: string, value: number | null | undefined, unit: string, target: string, ok: (v: number) => boolean) => ({
  name,
  value: value ?? null,
  unit,
  target,
  pass: value === null || value === undefined ? null : ok(value),
});

/** The issue's targets (2-core machine, embedded defaults), each against this run's figure. */
export function checkTargets(r: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const rateNote =
    r.latencyMs && r.latencyMs.offeredRate !== 500 ? ` (target is at 500/s; measured at ${r.latencyMs.offeredRate}/s)` : '';
  const checks: TargetCheck[] = [
    check('throughput, one event per request', r.deliveriesPerSecond, 'deliveries/s', '≥ 1000', (v) => v >= 1000),
    check('throughput vs floor', r.floor?.ratio.throughput, '× floor', '≥ 0.5', (v) => v >= 0.5),
    check(`latency p50${rateNote}`, r.latencyMs?.p50, 'ms', '≤ 10', (v) => v <= 10),
    check(`latency p99${rateNote}`, r.latencyMs?.p99, 'ms', '≤ 50', (v) => v <= 50),
    check(
      `fan-out to ${r.fanout?.endpoints ?? 1000} endpoints`,
      r.fanout ? (r.fanout.completeMs ?? Infinity) : null,
      'ms',
      '≤ 2000',
      (v) => v <= 2000,
    ),
  ];
  for (const kind of ['hang', 'fail'] as const) {
    const run = r.isolation?.[kind];
    const label = kind === 'hang' ? 'never-answering endpoint' : 'always-500 endpoint';
    checks.push(
      check(
        `isolation, ${label}: others' p99 increase`,
        run ? (run.p99IncreasePct ?? Infinity) : null,
        '%',
        '≤ 20',
        (v) => v <= 20,
      ),
      check(`isolation, ${label}: workflows started`, run?.workflowsStarted, 'workflows', '≤ 1', (v) => v <= 1),
    );
  }
  checks.push(
    check(
      'recovery after kill -9 of the worker',
      r.recovery ? (r.recovery.recoveryMs ?? Infinity) : null,
      'ms',
      '≤ 10000',
      (v) => v <= 10_000,
    ),
    check('deliveries lost in recovery', r.recovery?.lost, 'deliveries', '= 0', (v) => v === 0),
    check('peak RSS, API + worker', r.cost?.apiPlusWorkerPeakRssMb, 'MB', '≤ 400', (v) => v <= 400),
  );
  return checks;
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? 'n/a' : Number.isFinite(v) ? String(round(v, digits)) : 'never';
const ratio = (ours: number | null | undefined, floor: number | null | undefined): string =>
  ours == null || floor == null || !floor || !Number.isFinite(ours) ? '' : `${round(ours / floor, 2)}×`;
const pass = (t: TargetCheck | undefined): string => (!t || t.pass === null ? '' : t.pass ? 'pass' : 'FAIL');

/** The summary table: each figure, the floor's where there is one, their ratio, the target and whether it is met. */
export function renderTable(r: BenchReport): string {
  const table = new Table({
    head: ['figure', 'ours', 'floor', 'ours/floor', 'target', ''],
    style: { head: [], border: [] },
  });
  const target = (prefix: string) => r.targets.find((t) => t.name.startsWith(prefix));
  const row = (figure: string, ours: string, floor = '', rat = '', t?: TargetCheck) =>
    table.push([figure, ours, floor, rat, t?.target ? `${t.target} ${t.unit}` : '', pass(t)]);

  const tp = r.throughput;
  const floorTp = r.floor?.deliveriesPerSecond;
  if (tp.single) {
    row(
      'deliveries/s, 1 event per request',
      fmt(tp.single.deliveriesPerSecond, 0),
      fmt(floorTp, 0),
      ratio(tp.single.deliveriesPerSecond, floorTp),
      target('throughput, one'),
    );
  }
  if (r.floor?.ratio.throughput != null)
    row('  ours / floor', fmt(r.floor.ratio.throughput, 2), '', '', target('throughput vs floor'));
  if (tp.batch)
    row(
      `deliveries/s, batches of ${tp.batch.eventsPerRequest} (${tp.batch.publishVia})`,
      fmt(tp.batch.deliveriesPerSecond, 0),
      fmt(floorTp, 0),
      ratio(tp.batch.deliveriesPerSecond, floorTp),
    );
  if (tp.fanout10)
    row(
      'deliveries/s, fan-out to 10',
      fmt(tp.fanout10.deliveriesPerSecond, 0),
      fmt(floorTp, 0),
      ratio(tp.fanout10.deliveriesPerSecond, floorTp),
    );
  const lat = r.latencyMs;
  const fl = r.floor?.latencyMs;
  if (lat) {
    const cut = lat.overloaded ? ` (overloaded: stopped at ${round(lat.overloaded.afterMs / 1000, 1)}s)` : '';
    row(
      `latency p50 ms at ${lat.offeredRate}/s${cut}`,
      fmt(lat.p50),
      fmt(fl?.p50),
      ratio(lat.p50, fl?.p50),
      target('latency p50'),
    );
    row(`latency p95 ms`, fmt(lat.p95), fmt(fl?.p95), ratio(lat.p95, fl?.p95));
    row(`latency p99 ms`, fmt(lat.p99), fmt(fl?.p99), ratio(lat.p99, fl?.p99), target('latency p99'));
    // Latency runs from when a publish was due: a starved load generator shows here, not as a faster gateway.
    row('  load generator late, p99 ms', fmt(lat.generatorLateMs.p99));
    if (lat.publishAnsweredMs)
      row('  of which publish answered, p50 / p99 ms', `${fmt(lat.publishAnsweredMs.p50)} / ${fmt(lat.publishAnsweredMs.p99)}`);
  } else if (fl) {
    row(`floor latency p50/p99 ms at ${fl.offeredRate}/s`, '', `${fmt(fl.p50)} / ${fmt(fl.p99)}`);
  }
  if (r.fanout) row(`fan-out to ${r.fanout.endpoints}: all received, ms`, fmt(r.fanout.completeMs, 0), '', '', target('fan-out'));
  if (r.isolation?.control) {
    const change = r.isolation.controlChangePct;
    row(
      `no bad endpoint, run again after: p99 ms`,
      `${fmt(r.isolation.control.p99)} (${change == null ? 'n/a' : `${change > 0 ? '+' : ''}${change}%`})`,
      'vs the first',
    );
  }
  for (const kind of ['hang', 'fail'] as const) {
    const run = r.isolation?.[kind];
    if (!run) continue;
    const label = kind === 'hang' ? 'never-answering' : 'always-500';
    row(
      `${label} endpoint: others' p99 ms at ${r.isolation?.rate}/s`,
      `${fmt(run.others?.p99)} (${run.p99IncreasePct == null ? 'n/a' : `${run.p99IncreasePct > 0 ? '+' : ''}${run.p99IncreasePct}%`})`,
      `baseline ${fmt(r.isolation?.baselineP99Ms)}`,
      '',
      target(`isolation, ${label} endpoint: others`),
    );
    row(
      `${label} endpoint: workflows started`,
      fmt(run.workflowsStarted, 0),
      '',
      '',
      target(`isolation, ${label} endpoint: workflows`),
    );
  }
  if (r.recovery) {
    row(`recovery after kill -9 at ${r.recovery.rate}/s, ms`, fmt(r.recovery.recoveryMs, 0), '', '', target('recovery'));
    row('  deliveries lost', fmt(r.recovery.lost, 0), '', '', target('deliveries lost'));
  }
  const cpu = r.cost?.cpuSecondsPer1000;
  if (cpu) {
    const floorCpu = r.floor?.throughput?.cpuSecondsPer1000;
    row(
      'CPU s / 1000 deliveries, gateway',
      fmt(cpu.gatewayTotal, 3),
      fmt(floorCpu?.total, 3),
      ratio(cpu.gatewayTotal, floorCpu?.total),
    );
    for (const name of ['api', 'worker', 'postgres', 'temporal'])
      if (name in cpu) row(`  ${name}`, fmt(cpu[name], 3), name === 'postgres' ? fmt(floorCpu?.postgres, 3) : '');
  }
  if (r.cost) {
    for (const [name, peak] of Object.entries(r.cost.peakMemoryMb)) {
      if (!['api', 'worker', 'postgres', 'temporal'].includes(name)) continue;
      const value =
        name === 'postgres'
          ? `${fmt(peak.peakGroupPssMb ?? peak.peakGroupRssMb, 0)} (PSS, all processes)`
          : fmt(peak.peakRssMb, 0);
      row(`peak memory MB, ${name}`, value);
    }
    row('peak RSS MB, API + worker', fmt(r.cost.apiPlusWorkerPeakRssMb, 0), '', '', target('peak RSS'));
  }
  return table.toString();
}
