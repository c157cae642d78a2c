import { randomBytes } from 'node:crypto';
import { loadConfig } from '@acme/core';
import { NativeConnection } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { TemporalClientProvider } from './temporal-client.ts';
import { temporalConnectionOptions } from './temporal-connection.ts';

// Against the plaintext dev server of the test run: a connection that really uses TLS cannot
// talk to it, one that does not can; so these prove the settings reach both connections.
function temporalSettings(extra: Record<string, string>) {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: inject('dataDir'),
    SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
    ADMIN_API_KEY: 'acme_admin_0123456789abcdefghijklmnop',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    ...extra,
  }).temporal;
}

async function clientIsHealthy(extra: Record<string, string>) {
  const provider = new TemporalClientProvider(temporalSettings(extra));
  try {
    return await provider.isHealthy(3000);
  } finally {
    await provider.close();
  }
}

async function workerConnects(extra: Record<string, string>) {
  const connection = await NativeConnection.connect(temporalConnectionOptions(temporalSettings(extra))).catch(() => null);
  await connection?.close();
  return connection !== null;
}

describe('Temporal connection settings', () => {
  it('connect in plaintext when nothing asks for TLS', async () => {
    expect(await clientIsHealthy({})).toBe(true);
    expect(await workerConnects({})).toBe(true);
  });

  it('use TLS when TEMPORAL_TLS is on, for the client and for the worker', async () => {
    expect(await clientIsHealthy({ TEMPORAL_TLS: 'true' })).toBe(false);
    expect(await workerConnects({ TEMPORAL_TLS: 'true' })).toBe(false);
  });

  it('turn TLS on with an API key (as Temporal Cloud needs), unless TEMPORAL_TLS=false', async () => {
    expect(await clientIsHealthy({ TEMPORAL_API_KEY: 'cloud-key' })).toBe(false);
    expect(await workerConnects({ TEMPORAL_API_KEY: 'cloud-key' })).toBe(false);
    expect(await clientIsHealthy({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS: 'false' })).toBe(true);
    expect(await workerConnects({ TEMPORAL_API_KEY: 'cloud-key', TEMPORAL_TLS: 'false' })).toBe(true);
  });
});
