import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { MasterKeys } from './crypto/secret-box.ts';
import {
  CONNECT_TIMEOUT_MS,
  LEASE_WRITE_MARGIN_MS,
  MAX_ATTEMPT_TIMEOUT_MS,
  MIN_DISPATCHER_LEASE_MS,
} from './delivery/attempt-limits.ts';
import { parseCidrList } from './delivery/cidr.ts';
import { parseDuration, parseRetrySchedule } from './delivery/retry-schedule.ts';

const DEFAULT_RETRY_SCHEDULE = '0s,5s,5m,30m,2h,5h,10h,10h';
const DEV_PRIVATE_DESTINATIONS = '127.0.0.0/8,::1/128';
const DAY_MS = 86_400_000;
/** No payload limit (gateway default or per tenant) may exceed this: request bodies are capped just above it. */
export const MAX_PAYLOAD_CEILING = 1024 * 1024;

// 0 = any free port (tests).
const port = z.coerce.number().int().min(0).max(65535);
const flag = z.stringbool({ error: 'must be true or false' });
// OTLP over gRPC would add a second gRPC stack for one exporter; every collector also takes OTLP/HTTP (port 4318).
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], {
  error: 'must be http/protobuf or http/json (OTLP over HTTP, port 4318; grpc is not supported)',
});
/** OpenTelemetry's rule: a variable set to the empty string is as if unset (compose's `${VAR:-}`, say). */
const otel = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
/** `key=value` pairs separated by commas, as OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES take them. */
const otlpPairs = z
  .string()
  .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, 'must be key=value pairs separated by commas');
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The interface the API and the worker's health/metrics port listen on: 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  /** Apply pending migrations when `api` or `worker` starts; in production run `migrate` as its own step instead. */
  MIGRATE_ON_START: flag.optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d+$/i, 'must be host:port, like temporal.example.com:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('acme-webhooks'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** The Temporal CLI that runs the dev server (when TEMPORAL_ADDRESS is unset); unset = PATH, the user cache, or built with Go. */
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** TLS to Temporal: on when any TEMPORAL_TLS_* file is given or with an API key (Temporal Cloud); false forces it off. */
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  SECRETS_MASTER_KEY: z.string().optional(),
  /** The key being rotated away from: still decrypts (never encrypts) until `rotate-master-key` has run. */
  SECRETS_MASTER_KEY_PREVIOUS: z.string().optional(),
  PRIVATE_DESTINATIONS_ALLOWED: z.string().optional(),
  DELIVERY_RETRY_SCHEDULE: z.string().default(DEFAULT_RETRY_SCHEDULE),
  /**
   * How long a dispatcher's claim on a first attempt holds. After a crash, its claims go to another
   * dispatcher once this passes; it must exceed the longest endpoint timeout plus the write
   * (MIN_DISPATCHER_LEASE_MS), or a slow attempt's row would be claimed and sent again while in flight.
   */
  DISPATCHER_LEASE_MS: z.coerce
    .number()
    .int()
    .min(
      MIN_DISPATCHER_LEASE_MS,
      `must be at least ${MIN_DISPATCHER_LEASE_MS} ms: the connect timeout (${CONNECT_TIMEOUT_MS} ms), the longest endpoint timeout (${MAX_ATTEMPT_TIMEOUT_MS} ms) and ${LEASE_WRITE_MARGIN_MS} ms to write the result`,
    )
    .max(3_600_000)
    .default(75_000),
  /**
   * An endpoint that has failed every attempt for this long, with at least
   * ENDPOINT_AUTO_DISABLE_MIN_FAILURES deliveries undelivered, is disabled (0s = never).
   */
  ENDPOINT_AUTO_DISABLE_AFTER: z
    .string()
    .default('5d')
    .refine((v) => isDuration(v), 'write a number and a unit (ms, s, m, h, d), like 5d'),
  ENDPOINT_AUTO_DISABLE_MIN_FAILURES: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /**
   * How long a process may take to stop on SIGTERM: in-flight attempts and requests finish within it;
   * what is still unfinished then is released (claims) or cut. Keep the orchestrator's grace period above it.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Days attempt logs and event payloads are kept; 0 keeps them forever (no retention schedule). */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** The worker's own /metrics, /healthz and /readyz (0 = none); `npm start` also shows its metrics through the API's /metrics. */
  WORKER_METRICS_PORT: port.default(9464),
  /** Where the API finds the worker's metrics to append to its own /metrics (set by `npm start`). */
  WORKER_METRICS_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where people reach the gateway (portal links); unset = this API's own address, http://127.0.0.1:$PORT. Set it in production. */
  PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'PUBLIC_URL must be an http(s) URL')
    .refine((u) => !/[?#]/.test(u), 'PUBLIC_URL must not carry a query or fragment')
    .optional(),
  /** Each tenant's publish token bucket (per API process), unless the operator set the tenant's own limits. */
  PUBLISH_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  PUBLISH_BURST: z.coerce.number().int().min(1).max(1_000_000).default(4000),
  /** Largest accepted event payload (JSON bytes), unless the tenant has its own limit. */
  MAX_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(MAX_PAYLOAD_CEILING)
    .default(256 * 1024),
  // OpenTelemetry tracing, by the specification's own variables; off unless an exporter or an endpoint is set.
  OTEL_SDK_DISABLED: otel(flag),
  OTEL_TRACES_EXPORTER: otel(z.enum(['otlp', 'console', 'none'], { error: 'must be otlp, console or none (one exporter)' })),
  OTEL_EXPORTER_OTLP_ENDPOINT: otel(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, like http://collector:4318' })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otel(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, like http://collector:4318/v1/traces' }),
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: otel(otlpProtocol),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otel(otlpProtocol),
  OTEL_EXPORTER_OTLP_HEADERS: otel(otlpPairs),
  OTEL_SERVICE_NAME: otel(z.string()),
  OTEL_RESOURCE_ATTRIBUTES: otel(otlpPairs),
  OTEL_TRACES_SAMPLER: otel(z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` })),
  OTEL_TRACES_SAMPLER_ARG: otel(z.coerce.number().min(0).max(1)),
});

type Env = z.infer<typeof envSchema>;

/** Every environment variable the gateway reads: what .env.example and the deploy files must agree with. */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);
export type Config = ReturnType<typeof loadConfig>;

/** Reads `.env` from the working directory into process.env when there is one; real env vars win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Every setting that is wrong, each on its own line, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates every setting once, at start, and reports every problem at once. In
 * development, the admin key and the secrets master key are generated into DATA_DIR on first
 * start, so a fresh clone just runs; in production they, and external Postgres and Temporal, are required.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const check = <T>(name: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
      return undefined;
    }
  };

  if (production) {
    const missing = (['SECRETS_MASTER_KEY', 'ADMIN_API_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((n) => !e[n]);
    for (const name of missing) problems.push(`${name}: required when NODE_ENV=production${PRODUCTION_HINTS[name]}`);
  }
  const dataDir = resolve(e.DATA_DIR);
  const adminKeyFile = join(dataDir, 'admin-api-key');
  const adminApiKey = e.ADMIN_API_KEY ?? (production ? '' : devSecret(adminKeyFile, generateAdminKey));
  const current =
    e.SECRETS_MASTER_KEY || !production
      ? check('SECRETS_MASTER_KEY', () =>
          decodeMasterKey(
            e.SECRETS_MASTER_KEY ?? devSecret(join(dataDir, 'secrets-master-key'), () => randomBytes(32).toString('base64')),
          ),
        )
      : undefined;
  const previous = e.SECRETS_MASTER_KEY_PREVIOUS
    ? check('SECRETS_MASTER_KEY_PREVIOUS', () => decodeMasterKey(e.SECRETS_MASTER_KEY_PREVIOUS as string))
    : undefined;
  const privateDestinationsAllowed = check('PRIVATE_DESTINATIONS_ALLOWED', () =>
    parseCidrList(e.PRIVATE_DESTINATIONS_ALLOWED ?? (production ? '' : DEV_PRIVATE_DESTINATIONS)),
  );
  const retrySchedule = check('DELIVERY_RETRY_SCHEDULE', () => parseRetrySchedule(e.DELIVERY_RETRY_SCHEDULE));
  const temporalTls = temporalTlsOptions(e, check);
  if (problems.length > 0 || !current || !retrySchedule || !privateDestinationsAllowed) throw new ConfigError(problems);
  const secretsMasterKey: MasterKeys = { current, previous };

  return {
    production,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    migrateOnStart: e.MIGRATE_ON_START ?? !production,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      /** Unset: plaintext, unless an API key is given (the SDK then turns TLS on). */
      tls: temporalTls,
      apiKey: e.TEMPORAL_API_KEY,
      devServerPort: e.TEMPORAL_PORT,
      devServerUiPort: e.TEMPORAL_UI_PORT,
      devServerCliPath: e.TEMPORAL_CLI_PATH,
    },
    adminApiKey,
    /** Where the generated admin key lives, or null when ADMIN_API_KEY was given. */
    adminApiKeyFile: e.ADMIN_API_KEY ? null : adminKeyFile,
    secretsMasterKey,
    privateDestinationsAllowed,
    retrySchedule,
    /** How long attempt logs and event payloads are kept; null keeps them forever. */
    retentionMs: e.RETENTION_DAYS === 0 ? null : e.RETENTION_DAYS * DAY_MS,
    logLevel: e.LOG_LEVEL,
    metrics: { workerPort: e.WORKER_METRICS_PORT, workerUrl: e.WORKER_METRICS_URL },
    /** null: this API's own address (http://127.0.0.1:$PORT once it listens). */
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null,
    limits: {
      /** Gateway defaults; a tenant's own limits (set by the operator) override them. */
      tenantDefaults: {
        publishRatePerSecond: e.PUBLISH_RATE_PER_SECOND,
        publishBurst: e.PUBLISH_BURST,
        maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
      },
      /** Any HTTP request body: room for the largest payload allowed plus its JSON envelope, or a batch of small events. */
      requestBodyBytes: 2 * MAX_PAYLOAD_CEILING,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    /** Null: tracing is off (the OpenTelemetry API's no-op tracer; nothing is recorded or stored). */
    tracing: tracingOptions(e),
    delivery: {
      dispatcherLeaseMs: e.DISPATCHER_LEASE_MS,
      autoDisable: {
        /** null: never disable an endpoint for failing. */
        afterMs: parseDuration(e.ENDPOINT_AUTO_DISABLE_AFTER) || null,
        minFailedDeliveries: e.ENDPOINT_AUTO_DISABLE_MIN_FAILURES,
      },
      timeoutMs: 15_000,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      responseBodyBytes: 4096,
      perEndpointConcurrency: 20,
    },
  };
}

export interface TracingOptions {
  exporter: 'otlp' | 'console';
  /** Where OTLP/HTTP trace exports go (the collector's /v1/traces). */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_SERVICE_NAME; unset: acme-webhooks-<role>. */
  serviceName: string | undefined;
}

/**
 * The specification's rules: OTEL_SDK_DISABLED wins; OTEL_TRACES_EXPORTER names the exporter; a
 * traces endpoint is taken as is, a base endpoint gets /v1/traces. Unlike the SDK's own default
 * (otlp to localhost), nothing is exported unless an exporter or an endpoint is configured.
 */
function tracingOptions(e: Env): TracingOptions | null {
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = e.OTEL_TRACES_EXPORTER ?? (endpoint ? 'otlp' : 'none');
  if (e.OTEL_SDK_DISABLED || exporter === 'none') return null;
  return {
    exporter,
    url:
      e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      `${(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: e.OTEL_SERVICE_NAME,
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

const PRODUCTION_HINTS = {
  SECRETS_MASTER_KEY: ' (32 random bytes as base64: `openssl rand -base64 32`)',
  ADMIN_API_KEY: ' (at least 24 random characters: `openssl rand -base64 32`)',
  DATABASE_URL: ' (no embedded Postgres in production)',
  TEMPORAL_ADDRESS: ' (no Temporal dev server in production)',
} as const;

/** mTLS files are read here, at start, so a wrong path fails the start rather than the first connection. */
function temporalTlsOptions(e: Env, check: <T>(name: string, read: () => T) => T | undefined) {
  if (e.TEMPORAL_TLS === false) return false as const;
  const file = (name: 'TEMPORAL_TLS_CERT' | 'TEMPORAL_TLS_KEY' | 'TEMPORAL_TLS_CA') =>
    e[name] ? check(name, () => readPem(e[name] as string)) : undefined;
  const crt = file('TEMPORAL_TLS_CERT');
  const key = file('TEMPORAL_TLS_KEY');
  const ca = file('TEMPORAL_TLS_CA');
  if (Boolean(e.TEMPORAL_TLS_CERT) !== Boolean(e.TEMPORAL_TLS_KEY)) {
    check('TEMPORAL_TLS_CERT', () => {
      throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (the client certificate and its key)');
    });
  }
  const anyTls = e.TEMPORAL_TLS || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_SERVER_NAME;
  if (!anyTls) return undefined;
  return {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: e.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}

/** A PEM file's content: the variable names a file (a mounted Secret), or holds the PEM itself. */
function readPem(value: string): Buffer {
  if (value.trimStart().startsWith('-----BEGIN')) return Buffer.from(value);
  let content: Buffer;
  try {
    content = readFileSync(value);
  } catch (err) {
    throw new Error(`cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!content.toString('utf8').includes('-----BEGIN')) throw new Error(`${value} is not a PEM file`);
  return content;
}

/** Reads a development secret from DATA_DIR, generating it on first start. */
function devSecret(file: string, generate: () => string): string {
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

/** 32 bytes, as 64 hex characters or base64. */
export function decodeMasterKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('must be 32 bytes, as 64 hex characters or base64 (`openssl rand -base64 32`)');
  return key;
}
