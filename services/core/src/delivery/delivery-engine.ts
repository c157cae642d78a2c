import type { Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import type { MasterKeys } from '../crypto/secret-box.ts';
import type { Database } from '../db/client.ts';
import type { DeliveryMetrics } from '../metrics.ts';
import { createDeliveryClient } from './delivery-client.ts';
import type { AutoDisablePolicy } from './endpoint-outcomes.ts';
import type { RetrySchedule } from './retry-schedule.ts';

/** What both delivery paths share: the database, the guarded HTTP client and the delivery settings. */
export interface DeliveryEngine {
  database: Database;
  client: Dispatcher;
  secretsMasterKey: MasterKeys;
  defaultRetrySchedule: RetrySchedule;
  timeoutMs: number;
  responseBodyBytes: number;
  /** Attempts in flight at once to one endpoint, on either path. */
  perEndpointConcurrency: number;
  autoDisable: AutoDisablePolicy;
  metrics: DeliveryMetrics;
}

export function createDeliveryEngine(config: Config, database: Database, metrics: DeliveryMetrics): DeliveryEngine {
  return {
    database,
    client: createDeliveryClient({
      privateDestinationsAllowed: config.privateDestinationsAllowed,
      connectTimeoutMs: config.delivery.connectTimeoutMs,
    }),
    secretsMasterKey: config.secretsMasterKey,
    defaultRetrySchedule: config.retrySchedule,
    timeoutMs: config.delivery.timeoutMs,
    responseBodyBytes: config.delivery.responseBodyBytes,
    perEndpointConcurrency: config.delivery.perEndpointConcurrency,
    autoDisable: config.delivery.autoDisable,
    metrics,
  };
}
