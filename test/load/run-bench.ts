import { loadavg } from 'node:os';
import { now } from './clock.ts';
import { type BenchContext, type BenchOptions, secondaryDurationS, warmupMs } from './context.ts';
import type { GatewayTarget } from './gateway.ts';
import { GatewayClient } from './gateway-client.ts';
import { describeMachine } from './machine.ts';
import { resetStatementStats, topStatements } from './pg-stats.ts';
import { ProcessSampler } from './process-stats.ts';
import { Progress } from './progress.ts';
import { Publisher } from './publisher.ts';
import { Receiver } from './receiver.ts';
import { type BenchReport, type Cost, checkTargets, type Floor } from './report.ts';
import { runFanout } from './scenarios/fanout.ts';
import {
  type FloorLatency,
  type FloorThroughput,
  prepareFloorTables,
  runFloorLatency,
  runFloorThroughput,
} from './scenarios/floor.ts';
import { isolationBaseline, p99Increase, runIsolation } from './scenarios/isolation.ts';
import { runLatency } from './scenarios/latency.ts';
import { runRecovery } from './scenarios/recovery.ts';
import { runThroughput } from './scenarios/throughput.ts';
import { checkpointsSoFar, settle } from './settle.ts';
import { round } from './stats.ts';
import { TemporalProbe } from './temporal-probe.ts';

export interface RunBenchInput {
  options: BenchOptions;
  /** Starts (or finds) the gateway; called after the receiver is up. */
  gateway: () => Promise<GatewayTarget>;
  log: (line: string) => void;
  /** Extra settings for the report (how the gateway was found, flags). */
  config?: Record<string, unknown>;
}

/**
 * The whole benchmark: receiver, gateway, then each selected scenario in an order that keeps each
 * gateway figure next to its floor figure (the machine's other load drifts over minutes), then the
 * report. Everything started here is stopped here, whatever fails.
 */
export async function runBench(input: RunBenchInput): Promise<BenchReport> {
  const { options, log } = input;
  const started = now();
  const startedAt = new Date();
  const selected = (name: Parameters<BenchOptions['scenarios']['has']>[0]) => options.scenarios.has(name);
  const progress = new Progress(options.showProgress, log);
  const notes: string[] = [];
  const timeline: BenchReport['timeline'] = [];

  const receiver = await Receiver.start(options.receiverDelayMs);
  let gateway: GatewayTarget | null = null;
  let temporal: TemporalProbe | null = null;
  let sampler: ProcessSampler | null = null;
  try {
    log('[bench] Starting the gateway...');
    const gatewayStarted = now();
    gateway = await input.gateway();
    log(`[bench] Gateway up in ${((now() - gatewayStarted) / 1000).toFixed(1)}s.`);
    const machine = await describeMachine(gateway.databaseUrl);
    log(`[bench] Load average at start: ${machine.loadAverageAtStart.join(' ')} on ${machine.cores} cores.`);
    if (gateway.temporal) {
      temporal = await TemporalProbe.connect(gateway.temporal);
      // The worker builds its workflow bundle after it says it is ready: let that finish before measuring.
      if (!(await temporal.waitForWorker(120_000))) notes.push('No Temporal worker polled the task queue within 2 minutes.');
      log(`[bench] Temporal worker polling after ${((now() - gatewayStarted) / 1000).toFixed(1)}s.`);
    } else {
      notes.push('No Temporal address: workflow counts are not measured.');
    }
    const floorPid = { current: null as number | null };
    sampler = new ProcessSampler([
      ...gateway.processGroups,
      { name: 'receiver', pid: () => receiver.pid },
      { name: 'bench', pid: () => process.pid },
      { name: 'floor', pid: () => floorPid.current },
    ]);
    sampler.start();
    const ctx: BenchContext = {
      options,
      gateway,
      client: new GatewayClient(gateway.url, gateway.adminKey),
      receiver,
      sampler,
      temporal,
      progress,
      notes,
      floorPid,
    };
    const clockOffsetMs = round(await receiver.clockOffsetMs(), 3);
    const pgStats = options.pgStats && gateway.databaseUrl ? await resetStatementStats(gateway.databaseUrl) : false;
    if (options.pgStats && !pgStats) notes.push('pg_stat_statements is not loaded by this Postgres: no statement figures.');

    /** Each phase: let the previous one's queue drain first (and say so when it would not), and time it. */
    const step = async <T>(phase: string, message: string, run: () => Promise<T>): Promise<T> => {
      log(`[bench] ${message}`);
      const begun = now();
      const { queued, vacuum, checkpointMs } = await settle(ctx, options.vacuum);
      if (queued > 0) notes.push(`${phase} started with ${queued} first attempts still queued from the phase before.`);
      const settled = now();
      const checkpointsBefore = await checkpointsSoFar(ctx.gateway.databaseUrl);
      try {
        return await run();
      } finally {
        const checkpointsAfter = await checkpointsSoFar(ctx.gateway.databaseUrl);
        timeline.push({
          phase,
          startS: round((begun - started) / 1000, 1),
          settleS: round((settled - begun) / 1000, 1),
          ...(vacuum ? { vacuumedDeadRows: vacuum.deadRows, vacuumMs: vacuum.ms } : {}),
          ...(checkpointMs !== null ? { checkpointMs } : {}),
          // Begun while the phase ran: their writes, and the whole pages the WAL then takes, fall in it.
          ...(checkpointsBefore !== null && checkpointsAfter !== null
            ? { checkpointsDuring: checkpointsAfter - checkpointsBefore }
            : {}),
          seconds: round((now() - settled) / 1000, 1),
        });
      }
    };

    const canFloor = selected('floor') && gateway.databaseUrl !== null;
    if (selected('floor') && !canFloor) notes.push('The floor needs the database URL (--database-url with --url): skipped.');
    if (canFloor) await prepareFloorTables(gateway.databaseUrl!);

    const throughput: BenchReport['throughput'] = { single: null, batch: null, fanout10: null };
    let floorThroughput: FloorThroughput | null = null;
    let floorLatency: FloorLatency | null = null;
    let latency: BenchReport['latencyMs'] = null;
    let fanout: BenchReport['fanout'] = null;
    let isolation: BenchReport['isolation'] = null;
    let recovery: BenchReport['recovery'] = null;
    // Where the gateway has room to spare: half what it sustained at saturation, at most --rate.
    const sustainable = () =>
      throughput.single
        ? Math.max(10, Math.min(options.rate, Math.round(throughput.single.deliveriesPerSecond / 2)))
        : options.rate;

    if (selected('throughput') || selected('cost')) {
      throughput.single = await step('throughput single', 'Throughput, one event per request...', () =>
        runThroughput(ctx, 'single', options.durationS),
      );
    }
    if (canFloor) {
      floorThroughput = await step('floor throughput', 'The floor at the same concurrency...', () => runFloorThroughput(ctx));
    }
    if (selected('throughput')) {
      const probeTenant = await ctx.client.createTenant('bench batch probe');
      const probe = new Publisher(gateway.url, probeTenant.token, 1);
      const batchMode = await probe.detectBatchMode(options.batchSize);
      await probe.close();
      if (batchMode.kind === 'none') notes.push(`Batch throughput not measured: ${batchMode.reason}.`);
      else {
        if (batchMode.kind === 'graphql-aliases') {
          notes.push(
            'POST /v1/events/batch is not there yet: batches went as one GraphQL request of aliased publishEvent mutations.',
          );
        }
        throughput.batch = await step('throughput batch', `Throughput, batches of ${batchMode.size} (${batchMode.kind})...`, () =>
          runThroughput(ctx, 'batch', secondaryDurationS(options), batchMode),
        );
      }
      throughput.fanout10 = await step('throughput fan-out 10', 'Throughput, fan-out to 10 endpoints...', () =>
        runThroughput(ctx, 'fanout10', secondaryDurationS(options)),
      );
    }
    if (selected('latency') || selected('isolation')) {
      latency = await step('latency', `Latency at ${options.rate} deliveries/s...`, () =>
        runLatency(ctx, 'latency', options.rate),
      );
    }
    if (canFloor) {
      floorLatency = await step('floor latency', 'The floor at the same rate...', () => runFloorLatency(ctx));
    }
    if (selected('fanout')) {
      fanout = await step('fan-out', `Fan-out to ${options.fanoutEndpoints} endpoints...`, () => runFanout(ctx));
    }
    if (selected('isolation')) {
      // Isolation compares latencies with and without a bad endpoint: on an overloaded gateway both
      // measure its queue, so then it runs where the gateway has room, with a baseline of its own.
      let rate = options.rate;
      let baseline = latency;
      if (!latency || latency.overloaded) {
        rate = sustainable();
        if (!latency || rate < options.rate) {
          baseline = await step('isolation baseline', `Isolation baseline: latency at ${rate} deliveries/s...`, () =>
            runLatency(ctx, 'iso-baseline', rate),
          );
        }
      }
      const hang = await step('isolation hang', `Isolation at ${rate}/s: one endpoint never answers...`, () =>
        runIsolation(ctx, 'hang', rate),
      );
      const fail = await step('isolation fail', `Isolation at ${rate}/s: one endpoint answers 500 at once...`, () =>
        runIsolation(ctx, 'fail', rate),
      );
      // The latency run once more, after the bad endpoints: see isolationBaseline.
      const control = await step('isolation control', `Isolation control: latency at ${rate}/s again, no bad endpoint...`, () =>
        runLatency(ctx, 'iso-control', rate),
      );
      const { baselineP99Ms, controlChangePct } = isolationBaseline(baseline, control);
      for (const run of [hang, fail]) if (run) run.p99IncreasePct = p99Increase(run, baselineP99Ms);
      isolation = {
        rate,
        baseline: baseline === latency ? null : baseline,
        control,
        controlChangePct,
        baselineP99Ms,
        hang,
        fail,
      };
    }
    if (selected('recovery')) {
      if (gateway.worker) {
        // Recovery needs spare capacity to catch up; at saturation the backlog never drains.
        const rate = latency && !latency.overloaded ? options.rate : sustainable();
        recovery = await step(
          'recovery',
          `Recovery at ${rate}/s: kill -9 of the worker (waits up to the ${gateway.leaseMs / 1000}s claim lease)...`,
          () => runRecovery(ctx, rate),
        );
      } else {
        notes.push('Recovery not measured: the worker was not started by the benchmark (--url), so it cannot restart it.');
      }
    }
    const postgresTopStatements = pgStats ? await topStatements(gateway.databaseUrl!) : null;

    await sampler.stop();
    machine.loadAverageAtEnd = loadavg().map((l) => round(l));
    const cost = costOf(throughput.single, sampler);
    const floor: Floor | null =
      floorThroughput || floorLatency
        ? {
            deliveriesPerSecond: floorThroughput?.deliveriesPerSecond ?? null,
            latencyMs: floorLatency,
            throughput: floorThroughput,
            ratio: {
              throughput: ratio(throughput.single?.deliveriesPerSecond, floorThroughput?.deliveriesPerSecond),
              latencyP50: ratio(latency?.p50, floorLatency?.p50),
              latencyP99: ratio(latency?.p99, floorLatency?.p99),
            },
          }
        : null;
    const report: Omit<BenchReport, 'targets'> = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      totalSeconds: round((now() - started) / 1000, 1),
      deliveriesPerSecond: throughput.single?.deliveriesPerSecond ?? null,
      latencyMs: latency,
      throughput,
      fanout,
      isolation,
      recovery,
      cost,
      floor,
      machine,
      config: {
        scenarios: [...options.scenarios],
        durationS: options.durationS,
        warmupS: round(warmupMs(options) / 1000),
        secondaryDurationS: secondaryDurationS(options),
        rate: options.rate,
        endpoints: options.endpoints,
        fanoutEndpoints: options.fanoutEndpoints,
        concurrency: options.concurrency,
        batchSize: options.batchSize,
        maxBacklog: options.maxBacklog,
        receiverDelayMs: options.receiverDelayMs,
        dispatcherLeaseMs: gateway.leaseMs,
        gatewaySettings: gateway.settings,
        clockOffsetMs,
        pgStatStatements: options.pgStats ?? false,
        ...input.config,
      },
      timeline,
      postgresTopStatements,
      notes,
    };
    return { ...report, targets: checkTargets(report) };
  } finally {
    progress.stop();
    await sampler?.stop();
    // The receiver first: its hanging requests end, so the worker's in-flight attempts finish and it stops promptly.
    await receiver.close();
    await temporal?.close().catch(() => {});
    await gateway?.stop();
  }
}

function ratio(ours: number | null | undefined, floor: number | null | undefined): number | null {
  return ours == null || floor == null || floor === 0 || !Number.isFinite(ours) ? null : round(ours / floor, 2);
}

function costOf(single: BenchReport['throughput']['single'], sampler: ProcessSampler): Cost {
  const peakMemoryMb = Object.fromEntries(
    [...sampler.peaks].map(([name, p]) => [
      name,
      {
        peakRssMb: round(p.peakRssMb, 1),
        peakGroupRssMb: round(p.peakGroupRssMb, 1),
        peakGroupPssMb: p.peakGroupPssMb === null ? null : round(p.peakGroupPssMb, 1),
      },
    ]),
  );
  const api = sampler.peaks.get('api')?.peakRssMb;
  const worker = sampler.peaks.get('worker')?.peakRssMb;
  return {
    cpuSecondsPer1000: single?.cpuSecondsPer1000 ?? null,
    peakMemoryMb,
    apiPlusWorkerPeakRssMb: api !== undefined && worker !== undefined ? round(api + worker, 1) : null,
  };
}
