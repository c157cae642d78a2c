import type { Config, Database, Principal, PublishSettings } from '@acme/core';
import type { EndpointSignal } from '@acme/worker/client';
import type { Loaders } from './loaders.ts';

export interface GraphQLContext {
  principal: Principal | null;
  database: Database;
  config: Config;
  /**
   * Hands deliveries to their endpoints' workflows now; if Temporal is down the worker's sweep does it
   * later. `signal` says why, in the workflow's history (default `retriesPending`).
   */
  handOver(items: readonly { id: string; endpointId: string }[], signal?: EndpointSignal): Promise<void>;
  /** This process's publish rate limiter and the gateway's default limits. */
  publishing: PublishSettings;
  /** Where people reach the gateway: portal links start here. */
  publicUrl: string;
  /** Batching per request, so a page of N items costs one query per field, not N. */
  loaders: Loaders;
}
