import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = {
  ADMIN_API_KEY: `acme_admin_${'x'.repeat(30)}`,
  SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
  DATA_DIR: '/tmp/acme-config-test-unused',
};

describe('loadConfig', () => {
  it('defaults the tenant limits and leaves the public URL to the listening address in development', () => {
    const config = loadConfig({ ...base });
    expect(config.limits.tenantDefaults).toEqual({ publishRatePerSecond: 2000, publishBurst: 4000, maxPayloadBytes: 262144 });
    expect(config.publicUrl).toBeNull();
  });

  it('takes PUBLIC_URL without its trailing slash, and the limits from the environment', () => {
    const config = loadConfig({
      ...base,
      PUBLIC_URL: 'https://hooks.example.com/',
      PUBLISH_RATE_PER_SECOND: '10',
      MAX_PAYLOAD_BYTES: '1024',
    });
    expect(config.publicUrl).toBe('https://hooks.example.com');
    expect(config.limits.tenantDefaults).toMatchObject({ publishRatePerSecond: 10, maxPayloadBytes: 1024 });
  });

  it.each([
    ['a PUBLIC_URL that is not http(s)', { PUBLIC_URL: 'ftp://example.com' }],
    ['a PUBLIC_URL with a fragment', { PUBLIC_URL: 'https://example.com/#x' }],
    ['a payload limit over 1 MiB', { MAX_PAYLOAD_BYTES: String(2 * 1024 * 1024) }],
    ['a zero publish rate', { PUBLISH_RATE_PER_SECOND: '0' }],
    ['production without PUBLIC_URL', { NODE_ENV: 'production' }],
  ])('refuses %s at start', (_, env) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow();
  });
});
