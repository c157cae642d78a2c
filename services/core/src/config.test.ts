import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = { NODE_ENV: 'test', ADMIN_API_KEY: 'a'.repeat(32), SECRETS_MASTER_KEY: 'ab'.repeat(32) } as const;

describe('automatic disabling settings', () => {
  it('default to 5 days and 20 undelivered deliveries', () => {
    expect(loadConfig({ ...base }).delivery.autoDisable).toEqual({ afterMs: 5 * 86_400_000, minFailedDeliveries: 20 });
  });

  it('take a duration and a count, and 0s turns it off', () => {
    const config = loadConfig({ ...base, ENDPOINT_AUTO_DISABLE_AFTER: '36h', ENDPOINT_AUTO_DISABLE_MIN_FAILURES: '5' });
    expect(config.delivery.autoDisable).toEqual({ afterMs: 36 * 3_600_000, minFailedDeliveries: 5 });
    expect(loadConfig({ ...base, ENDPOINT_AUTO_DISABLE_AFTER: '0s' }).delivery.autoDisable.afterMs).toBeNull();
  });

  it('refuses a malformed duration or count, naming the variable', () => {
    expect(() => loadConfig({ ...base, ENDPOINT_AUTO_DISABLE_AFTER: 'five days' })).toThrow(/ENDPOINT_AUTO_DISABLE_AFTER/);
    expect(() => loadConfig({ ...base, ENDPOINT_AUTO_DISABLE_MIN_FAILURES: '0' })).toThrow(/ENDPOINT_AUTO_DISABLE_MIN_FAILURES/);
  });
});
