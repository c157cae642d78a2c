import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCidrList } from './delivery/cidr.ts';
import { parseDuration, parseRetrySchedule } from './delivery/retry-schedule.ts';

const DEFAULT_RETRY_SCHEDULE = '0s,5s,5m,30m,2h,5h,10h,10h';

// 0 = any free port (tests).
const port = z.coerce.number().int().min(0).max(65535);
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('acme-webhooks'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  ADMIN_API_KEY: z.string().min(24, 'ADMIN_API_KEY must be at least 24 characters').optional(),
  SECRETS_MASTER_KEY: z.string().optional(),
  PRIVATE_DESTINATIONS_ALLOWED: z.string().optional(),
  DELIVERY_RETRY_SCHEDULE: z.string().default(DEFAULT_RETRY_SCHEDULE),
  /**
   * How long a dispatcher's claim on a first attempt holds. After a crash, its claims go to another
   * dispatcher once this passes; it must exceed the longest endpoint timeout (60 s) plus the write.
   */
  DISPATCHER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(75_000),
  /**
   * An endpoint that has failed every attempt for this long, with at least
   * ENDPOINT_AUTO_DISABLE_MIN_FAILURES deliveries undelivered, is disabled (0s = never).
   */
  ENDPOINT_AUTO_DISABLE_AFTER: z
    .string()
    .default('5d')
    .refine((v) => isDuration(v), 'write a number and a unit (ms, s, m, h, d), like 5d'),
  ENDPOINT_AUTO_DISABLE_MIN_FAILURES: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** The worker's own /metrics (0 = none); `npm start` also shows it through the API's /metrics. */
  WORKER_METRICS_PORT: port.default(9464),
  /** Where the API finds the worker's metrics to append to its own /metrics (set by `npm start`). */
  WORKER_METRICS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads `.env` from the working directory into process.env when there is one; real env vars win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Reads and validates every setting once, at start. In development, the admin key and the
 * secrets master key are generated into DATA_DIR on first start, so a fresh clone just runs.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);

  const adminKeyFile = join(dataDir, 'admin-api-key');
  const adminApiKey = e.ADMIN_API_KEY ?? devSecret(production, 'ADMIN_API_KEY', adminKeyFile, generateAdminKey);
  const masterKey = decodeMasterKey(
    e.SECRETS_MASTER_KEY ??
      devSecret(production, 'SECRETS_MASTER_KEY', join(dataDir, 'secrets-master-key'), () => randomBytes(32).toString('base64')),
  );

  return {
    production,
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devServerPort: e.TEMPORAL_PORT,
      devServerUiPort: e.TEMPORAL_UI_PORT,
    },
    adminApiKey,
    /** Where the generated admin key lives, or null when ADMIN_API_KEY was given. */
    adminApiKeyFile: e.ADMIN_API_KEY ? null : adminKeyFile,
    secretsMasterKey: masterKey,
    privateDestinationsAllowed: parseCidrList(e.PRIVATE_DESTINATIONS_ALLOWED ?? (production ? '' : '127.0.0.0/8,::1/128')),
    retrySchedule: parseRetrySchedule(e.DELIVERY_RETRY_SCHEDULE),
    logLevel: e.LOG_LEVEL,
    metrics: { workerPort: e.WORKER_METRICS_PORT, workerUrl: e.WORKER_METRICS_URL },
    limits: {
      payloadBytes: 256 * 1024,
      requestBodyBytes: 1024 * 1024,
    },
    delivery: {
      dispatcherLeaseMs: e.DISPATCHER_LEASE_MS,
      autoDisable: {
        /** null: never disable an endpoint for failing. */
        afterMs: parseDuration(e.ENDPOINT_AUTO_DISABLE_AFTER) || null,
        minFailedDeliveries: e.ENDPOINT_AUTO_DISABLE_MIN_FAILURES,
      },
      timeoutMs: 15_000,
      connectTimeoutMs: 5_000,
      responseBodyBytes: 4096,
      perEndpointConcurrency: 20,
    },
  };
}

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Requires a config value outside development; else reads it from DATA_DIR, generating it on first start. */
function devSecret(production: boolean, name: string, file: string, generate: () => string): string {
  if (production) throw new Error(`${name} is required when NODE_ENV=production.`);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(join(file, '..'), { recursive: true });
    const value = generate();
    try {
      // 'wx': when two processes start at once, the second keeps the first one's value.
      writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      return readFileSync(file, 'utf8').trim();
    }
    return value;
  }
}

function generateAdminKey(): string {
  return `acme_admin_${randomBytes(32).toString('base64url')}`;
}

function decodeMasterKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('SECRETS_MASTER_KEY must be 32 bytes, as 64 hex characters or base64.');
  return key;
}
