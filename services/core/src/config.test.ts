import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SETTING_NAMES } from './config.ts';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'acme-config-'));
});

const masterKey = randomBytes(32).toString('base64');
const production = () => ({
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  SECRETS_MASTER_KEY: masterKey,
  ADMIN_API_KEY: 'acme_admin_0123456789abcdefghijklmnop',
  DATABASE_URL: 'postgres://acme:pw@db.internal:5432/acme',
  TEMPORAL_ADDRESS: 'temporal.internal:7233',
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('production configuration', () => {
  it('refuses to start without the keys and external stores, naming every missing one at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ADMIN_API_KEY',
      'DATABASE_URL',
      'SECRETS_MASTER_KEY',
      'TEMPORAL_ADDRESS',
    ]);
    for (const p of problems) expect(p).toContain('required when NODE_ENV=production');
  });

  it.each(['SECRETS_MASTER_KEY', 'ADMIN_API_KEY', 'DATABASE_URL', 'TEMPORAL_ADDRESS'] as const)(
    'refuses to start without %s',
    (name) => {
      const env: Record<string, string> = production();
      delete env[name];
      expect(problemsOf(env)).toEqual([expect.stringMatching(new RegExp(`^${name}: required when NODE_ENV=production`))]);
    },
  );

  it('never generates development keys into DATA_DIR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-config-prod-'));
    problemsOf({ NODE_ENV: 'production', DATA_DIR: dir });
    await expect(readFile(join(dir, 'admin-api-key'))).rejects.toThrow();
    await expect(readFile(join(dir, 'secrets-master-key'))).rejects.toThrow();
  });

  it('allows no private destinations, and leaves migrations to their own step, unless told otherwise', () => {
    const config = loadConfig(production());
    expect(config.production).toBe(true);
    expect(config.privateDestinationsAllowed).toEqual([]);
    expect(config.migrateOnStart).toBe(false);
    const told = loadConfig({ ...production(), PRIVATE_DESTINATIONS_ALLOWED: '10.1.0.0/16', MIGRATE_ON_START: 'true' });
    expect(told.privateDestinationsAllowed).toHaveLength(1);
    expect(told.migrateOnStart).toBe(true);
  });
});

describe('development configuration', () => {
  it('runs on defaults: keys generated into DATA_DIR once, loopback destinations allowed, migrations at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acme-config-dev-'));
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.adminApiKey).toMatch(/^acme_admin_/);
    expect(second.adminApiKey).toBe(first.adminApiKey);
    expect(second.secretsMasterKey.current.equals(first.secretsMasterKey.current)).toBe(true);
    expect((await readFile(join(dir, 'admin-api-key'), 'utf8')).trim()).toBe(first.adminApiKey);
    expect(first.privateDestinationsAllowed.map(([ip, bits]) => `${ip}/${bits}`)).toEqual(['127.0.0.0/8', '::1/128']);
    expect(first.migrateOnStart).toBe(true);
    expect(first.retentionMs).toBe(30 * 86_400_000);
  });
});

describe('every setting is validated at start', () => {
  it('reports every malformed setting at once, each by name', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/acme',
      TEMPORAL_ADDRESS: 'http://temporal:7233',
      MIGRATE_ON_START: 'perhaps',
      RETENTION_DAYS: '-1',
      LOG_LEVEL: 'loud',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'MIGRATE_ON_START',
      'PORT',
      'RETENTION_DAYS',
      'TEMPORAL_ADDRESS',
    ]);
  });

  it('reports bad keys, CIDR ranges and retry schedules together', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir,
      SECRETS_MASTER_KEY: 'c2hvcnQ=',
      SECRETS_MASTER_KEY_PREVIOUS: 'not a key',
      PRIVATE_DESTINATIONS_ALLOWED: '10.0.0.0/99',
      DELIVERY_RETRY_SCHEDULE: '0s,soon',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DELIVERY_RETRY_SCHEDULE',
      'PRIVATE_DESTINATIONS_ALLOWED',
      'SECRETS_MASTER_KEY',
      'SECRETS_MASTER_KEY_PREVIOUS',
    ]);
    expect(problems.find((p) => p.startsWith('SECRETS_MASTER_KEY:'))).toContain('32 bytes');
  });

  it('takes the previous master key beside the current one during a rotation', () => {
    const previous = randomBytes(32);
    const config = loadConfig({ ...production(), SECRETS_MASTER_KEY_PREVIOUS: previous.toString('hex') });
    expect(config.secretsMasterKey.current).toEqual(Buffer.from(masterKey, 'base64'));
    expect(config.secretsMasterKey.previous).toEqual(previous);
  });

  it('turns RETENTION_DAYS=0 into keeping data forever', () => {
    expect(loadConfig({ ...production(), RETENTION_DAYS: '0' }).retentionMs).toBeNull();
  });
});

describe('Temporal connection settings', () => {
  const pem = (label: string) => `-----BEGIN ${label}-----\nMIIBfake\n-----END ${label}-----\n`;

  it('reads the mTLS client pair, the server CA and the server name at start', async () => {
    const cert = join(dataDir, 'client.crt');
    const key = join(dataDir, 'client.key');
    await writeFile(cert, pem('CERTIFICATE'));
    await writeFile(key, pem('PRIVATE KEY'));
    const config = loadConfig({
      ...production(),
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: pem('CERTIFICATE'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const tls = config.temporal.tls as Exclude<typeof config.temporal.tls, boolean | undefined>;
    expect(tls.clientCertPair?.crt.toString()).toBe(pem('CERTIFICATE'));
    expect(tls.clientCertPair?.key.toString()).toBe(pem('PRIVATE KEY'));
    expect(tls.serverRootCACertificate?.toString()).toBe(pem('CERTIFICATE'));
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });

  it('refuses a client certificate without its key, and a file it cannot read', () => {
    const problems = problemsOf({
      ...production(),
      TEMPORAL_TLS_CERT: pem('CERTIFICATE'),
      TEMPORAL_TLS_CA: '/nonexistent/ca.pem',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca.pem \(ENOENT\)/),
      expect.stringMatching(/^TEMPORAL_TLS_CERT: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/),
    ]);
  });

  it('connects in plaintext by default, and leaves TLS to the SDK with an API key (Temporal Cloud)', () => {
    expect(loadConfig(production()).temporal.tls).toBeUndefined();
    const cloud = loadConfig({ ...production(), TEMPORAL_API_KEY: 'key-123', TEMPORAL_NAMESPACE: 'acme.a1b2c' });
    expect(cloud.temporal).toMatchObject({ apiKey: 'key-123', namespace: 'acme.a1b2c', tls: undefined });
    expect(loadConfig({ ...production(), TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({});
    expect(loadConfig({ ...production(), TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }).temporal.tls).toBe(false);
  });
});

describe('.env.example', () => {
  it('documents every setting the gateway reads, and nothing it does not', async () => {
    const text = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual([...SETTING_NAMES].sort());
  });
});

describe('public URL and tenant limits', () => {
  const dev = () => ({
    DATA_DIR: dataDir,
    ADMIN_API_KEY: 'acme_admin_0123456789abcdefghijklmnop',
    SECRETS_MASTER_KEY: masterKey,
  });

  it('defaults the tenant limits, and leaves the public URL to the listening address', () => {
    const config = loadConfig(dev());
    expect(config.limits.tenantDefaults).toEqual({ publishRatePerSecond: 2000, publishBurst: 4000, maxPayloadBytes: 262144 });
    expect(config.publicUrl).toBeNull();
  });

  it('takes PUBLIC_URL without its trailing slash, and the limits from the environment', () => {
    const config = loadConfig({
      ...dev(),
      PUBLIC_URL: 'https://hooks.example.com/',
      PUBLISH_RATE_PER_SECOND: '10',
      MAX_PAYLOAD_BYTES: '1024',
    });
    expect(config.publicUrl).toBe('https://hooks.example.com');
    expect(config.limits.tenantDefaults).toMatchObject({ publishRatePerSecond: 10, maxPayloadBytes: 1024 });
  });

  it.each([
    ['PUBLIC_URL', 'ftp://example.com'],
    ['PUBLIC_URL', 'https://example.com/#x'],
    ['MAX_PAYLOAD_BYTES', String(2 * 1024 * 1024)],
    ['PUBLISH_RATE_PER_SECOND', '0'],
  ])('refuses %s=%s by name', (name, value) => {
    expect(problemsOf({ ...dev(), [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}:`))]);
  });
});

describe('automatic disabling of failing endpoints', () => {
  const dev = () => ({ NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_API_KEY: 'a'.repeat(32), SECRETS_MASTER_KEY: masterKey });

  it('defaults to 5 days and 20 undelivered deliveries', () => {
    expect(loadConfig(dev()).delivery.autoDisable).toEqual({ afterMs: 5 * 86_400_000, minFailedDeliveries: 20 });
  });

  it('takes a duration and a count, and 0s turns it off', () => {
    const config = loadConfig({ ...dev(), ENDPOINT_AUTO_DISABLE_AFTER: '36h', ENDPOINT_AUTO_DISABLE_MIN_FAILURES: '5' });
    expect(config.delivery.autoDisable).toEqual({ afterMs: 36 * 3_600_000, minFailedDeliveries: 5 });
    expect(loadConfig({ ...dev(), ENDPOINT_AUTO_DISABLE_AFTER: '0s' }).delivery.autoDisable.afterMs).toBeNull();
  });

  it('refuses a malformed duration or count, naming the variable', () => {
    expect(problemsOf({ ...dev(), ENDPOINT_AUTO_DISABLE_AFTER: 'five days' })).toEqual([
      expect.stringMatching(/^ENDPOINT_AUTO_DISABLE_AFTER: /),
    ]);
    expect(problemsOf({ ...dev(), ENDPOINT_AUTO_DISABLE_MIN_FAILURES: '0' })).toEqual([
      expect.stringMatching(/^ENDPOINT_AUTO_DISABLE_MIN_FAILURES: /),
    ]);
  });
});

describe('shutdown timeout', () => {
  const dev = () => ({ NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_API_KEY: 'a'.repeat(32), SECRETS_MASTER_KEY: masterKey });

  it('defaults to 30 seconds and takes milliseconds', () => {
    expect(loadConfig(dev()).shutdownTimeoutMs).toBe(30_000);
    expect(loadConfig({ ...dev(), SHUTDOWN_TIMEOUT_MS: '5000' }).shutdownTimeoutMs).toBe(5000);
  });

  it.each(['0', '-1', '1.5', 'soon', String(11 * 60_000)])('refuses SHUTDOWN_TIMEOUT_MS=%s by name', (value) => {
    expect(problemsOf({ ...dev(), SHUTDOWN_TIMEOUT_MS: value })).toEqual([expect.stringMatching(/^SHUTDOWN_TIMEOUT_MS: /)]);
  });
});

describe('dispatcher lease', () => {
  const dev = () => ({ NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_API_KEY: 'a'.repeat(32), SECRETS_MASTER_KEY: masterKey });

  it('outlasts connecting, the longest endpoint timeout and the write', () => {
    expect(loadConfig(dev()).delivery.dispatcherLeaseMs).toBe(75_000);
    expect(loadConfig({ ...dev(), DISPATCHER_LEASE_MS: '75000' }).delivery.dispatcherLeaseMs).toBe(75_000);
  });

  it.each(['1000', '60000', '70000', '74999'])('refuses DISPATCHER_LEASE_MS=%s, saying what it must exceed', (value) => {
    expect(problemsOf({ ...dev(), DISPATCHER_LEASE_MS: value })).toEqual([
      'DISPATCHER_LEASE_MS: must be at least 75000 ms: the connect timeout (5000 ms), the longest endpoint timeout (60000 ms) and 10000 ms to write the result',
    ]);
  });
});

describe('tracing (OpenTelemetry variables)', () => {
  const dev = () => ({ NODE_ENV: 'test', DATA_DIR: dataDir, ADMIN_API_KEY: 'a'.repeat(32), SECRETS_MASTER_KEY: masterKey });

  it('is off unless an exporter or an endpoint is configured', () => {
    expect(loadConfig(dev()).tracing).toBeNull();
    expect(loadConfig({ ...dev(), OTEL_SERVICE_NAME: 'hooks' }).tracing).toBeNull();
    // The specification: empty is unset (compose's `${OTEL_EXPORTER_OTLP_ENDPOINT:-}`).
    expect(loadConfig({ ...dev(), OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER: '' }).tracing).toBeNull();
    expect(
      loadConfig({ ...dev(), OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracing,
    ).toBeNull();
    expect(loadConfig({ ...dev(), OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracing).toBeNull();
  });

  it('exports OTLP/HTTP protobuf to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(loadConfig({ ...dev(), OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      exporter: 'otlp',
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: undefined,
    });
    const tracing = loadConfig({
      ...dev(),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/api/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'hooks',
    }).tracing;
    expect(tracing).toEqual({
      exporter: 'otlp',
      url: 'https://otlp.example.com/api/traces',
      protocol: 'http/json',
      serviceName: 'hooks',
    });
    expect(loadConfig({ ...dev(), OTEL_TRACES_EXPORTER: 'otlp' }).tracing?.url).toBe('http://localhost:4318/v1/traces');
    expect(loadConfig({ ...dev(), OTEL_TRACES_EXPORTER: 'console' }).tracing?.exporter).toBe('console');
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /grpc is not supported/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318', /http\(s\) URL/],
    ['OTEL_TRACES_EXPORTER', 'otlp,console', /one exporter/],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'api-key', /key=value pairs/],
    ['OTEL_TRACES_SAMPLER', 'sometimes', /traceidratio/],
    ['OTEL_TRACES_SAMPLER_ARG', '2', /OTEL_TRACES_SAMPLER_ARG/],
  ])('refuses %s=%s with a message that says what to write', (name, value, message) => {
    const problems = problemsOf({ ...dev(), [name]: value });
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    expect(problems[0]).toMatch(message);
  });

  it('takes headers with = in their values (base64 keys)', () => {
    expect(() => loadConfig({ ...dev(), OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc==, x-team = ops' })).not.toThrow();
  });
});
