import type { Config, Database, Principal } from '@acme/core';
import type { EndpointSignal } from '@acme/worker';

export interface GraphQLContext {
  principal: Principal | null;
  database: Database;
  config: Config;
  /**
   * Hands deliveries to their endpoints' workflows now; if Temporal is down the worker's sweep does it
   * later. `signal` says why, in the workflow's history (default `retriesPending`).
   */
  handOver(items: readonly { id: string; endpointId: string }[], signal?: EndpointSignal): Promise<void>;
}
