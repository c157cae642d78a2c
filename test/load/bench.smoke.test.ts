import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/gateway.ts';
import { SCENARIOS } from './context.ts';
import { infrastructureProcessGroups, startGatewayProcesses } from './gateway.ts';
import { renderTable } from './report.ts';
import { runBench } from './run-bench.ts';

// The harness on a tiny budget, against the API and worker as real processes on the suite's
// Postgres and Temporal: every scenario runs, the report has every figure, and nothing published
// went missing. No performance number is asserted: those belong to `npm run bench`.

describe('npm run bench, on a tiny budget', () => {
  it('runs every scenario and reports every figure, with every published event delivered', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'acme-bench-smoke-'));
    const adminKey = `acme_admin_${randomBytes(24).toString('base64url')}`;
    const lines: string[] = [];
    try {
      const report = await runBench({
        options: {
          scenarios: new Set(SCENARIOS),
          durationS: 2,
          rate: 40,
          endpoints: 3,
          fanoutEndpoints: 20,
          concurrency: 4,
          batchSize: 5,
          maxBacklog: 100,
          receiverDelayMs: 0,
          warmupS: 0.5,
          showProgress: false,
          vacuum: true,
        },
        log: (line) => lines.push(line),
        gateway: async () => {
          const processes = await startGatewayProcesses({
            env: {
              ...(process.env as Record<string, string>),
              NODE_ENV: 'test',
              // The API binds a free port and reports it over IPC.
              PORT: '0',
              DATA_DIR: dataDir,
              DATABASE_URL: await createTestDatabase(),
              MIGRATE_ON_START: 'false',
              TEMPORAL_ADDRESS: inject('temporalAddress'),
              TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
              ADMIN_API_KEY: adminKey,
              SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
              LOG_LEVEL: 'warn',
              WORKER_METRICS_PORT: '0',
              // No short lease: it must outlast the longest attempt (config.ts), and the killed worker's
              // claims come back through its liveness lock anyway (dispatcher-liveness.ts).
            },
            logDir: join(dataDir, 'logs'),
          });
          return {
            ...processes,
            adminKey,
            settings: {},
            processGroups: [...processes.processGroups, ...infrastructureProcessGroups(inject('dataDir'))],
          };
        },
      }).catch((err) => {
        throw new Error(`${(err as Error).message}\n${lines.join('\n')}`);
      });

      // The JSON a CI job or a reader gets, with every figure the issue asks for.
      const json = JSON.parse(JSON.stringify(report));
      for (const field of [
        'deliveriesPerSecond',
        'latencyMs',
        'fanout',
        'isolation',
        'recovery',
        'floor',
        'machine',
        'config',
        'cost',
        'targets',
      ]) {
        expect(json[field], field).not.toBeNull();
      }
      expect(json.latencyMs).toMatchObject({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
      expect(json.machine).toMatchObject({
        cpuModel: expect.any(String),
        cores: expect.any(Number),
        memoryGb: expect.any(Number),
        node: process.version,
        postgres: expect.any(String),
        loadAverageAtStart: expect.any(Array),
      });
      expect(json.config).toMatchObject({ durationS: 2, rate: 40, endpoints: 3, scenarios: [...SCENARIOS] });

      // Every published event was delivered, once per endpoint it was due at.
      const { single, batch, fanout10 } = report.throughput;
      for (const run of [single, batch, fanout10]) {
        expect(run?.published).toBeGreaterThan(0);
        expect(run?.publishErrors.count).toBe(0);
        expect(run?.undelivered).toBe(0);
        expect(run?.delivered).toBe((run?.published ?? 0) * (run?.deliveriesPerEvent ?? 0));
      }
      expect(fanout10?.deliveriesPerEvent).toBe(10);
      expect(report.deliveriesPerSecond).toBeGreaterThan(0);
      expect(report.latencyMs?.missing).toBe(0);
      expect(report.latencyMs?.publishAnsweredMs).toMatchObject({ p50: expect.any(Number), p99: expect.any(Number) });
      // Each phase started on a vacuumed queue table, just after a checkpoint, and says how many began during it.
      for (const step of report.timeline) {
        expect(step.vacuumMs, step.phase).toEqual(expect.any(Number));
        expect(step.checkpointMs, step.phase).toEqual(expect.any(Number));
        expect(step.checkpointsDuring, step.phase).toEqual(expect.any(Number));
      }
      expect(report.latencyMs?.publishErrors.count).toBe(0);
      expect(report.fanout).toMatchObject({ endpoints: 20, undelivered: 0, completeMs: expect.any(Number) });

      // Isolation: the healthy endpoints got everything; the bad one was really sent to.
      for (const kind of ['hang', 'fail'] as const) {
        const run = report.isolation?.[kind];
        expect(run?.others?.missing, kind).toBe(0);
        // The latency run's events per second, shared with the bad endpoint: 3 of 4 shares to the healthy ones.
        expect(run?.others?.offeredRate, kind).toBeCloseTo((report.isolation?.rate ?? 0) * (3 / 4));
        expect(run?.badEndpointEvents, kind).toBeGreaterThan(0);
        expect(run?.badEndpointRequests, kind).toBeGreaterThan(0);
        expect(run?.workflowsStarted, kind).toEqual(expect.any(Number));
      }

      // The baseline is the mean of the latency run before the isolation runs and of the same run after them.
      const { baselineP99Ms, control, controlChangePct } = report.isolation ?? {};
      expect(control?.missing).toBe(0);
      expect(baselineP99Ms).toBeCloseTo(((report.latencyMs?.p99 ?? 0) + (control?.p99 ?? 0)) / 2, 1);
      expect(controlChangePct).toBeCloseTo(
        (((control?.p99 ?? 0) - (report.latencyMs?.p99 ?? 0)) / (report.latencyMs?.p99 ?? 1)) * 100,
        0,
      );
      for (const kind of ['hang', 'fail'] as const) {
        const run = report.isolation?.[kind];
        expect(run?.p99IncreasePct, kind).toBeCloseTo(
          (((run?.others?.p99 ?? 0) - (baselineP99Ms ?? 0)) / (baselineP99Ms ?? 1)) * 100,
          0,
        );
      }

      // kill -9 of the worker: a new one came up, and every accepted event arrived.
      expect(report.recovery).toMatchObject({ lost: 0, recoveryMs: expect.any(Number), workerRestartMs: expect.any(Number) });
      expect(report.recovery?.published).toBeGreaterThan(0);

      // The floor ran, through the same receiver, beside our figures.
      expect(report.floor?.deliveriesPerSecond).toBeGreaterThan(0);
      expect(report.floor?.latencyMs?.missing).toBe(0);
      expect(report.floor?.ratio.throughput).toEqual(expect.any(Number));

      // Cost per process: the API and worker processes were measured.
      expect(report.cost?.cpuSecondsPer1000?.api).toEqual(expect.any(Number));
      expect(report.cost?.cpuSecondsPer1000?.worker).toEqual(expect.any(Number));
      expect(report.cost?.apiPlusWorkerPeakRssMb).toBeGreaterThan(0);

      // Each target has a verdict, and the table renders them.
      expect(report.targets.length).toBeGreaterThanOrEqual(12);
      for (const target of report.targets) expect(target.pass, target.name).not.toBeNull();
      expect(renderTable(report)).toContain('deliveries/s, 1 event per request');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
