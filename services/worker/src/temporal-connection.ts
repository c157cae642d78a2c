import type { Config } from '@acme/core';

/**
 * What both Temporal connections (the client's Connection and the worker's NativeConnection) are
 * opened with: the address, and for a secured cluster or Temporal Cloud, mTLS and/or an API key.
 */
export function temporalConnectionOptions(temporal: Config['temporal']) {
  if (!temporal.address) throw new Error('TEMPORAL_ADDRESS is required to connect to Temporal.');
  return {
    address: temporal.address,
    ...(temporal.tls !== undefined ? { tls: temporal.tls } : {}),
    ...(temporal.apiKey ? { apiKey: temporal.apiKey } : {}),
  };
}
