import type { Config, Database, Principal } from '@acme/core';

export interface GraphQLContext {
  principal: Principal | null;
  database: Database;
  config: Config;
  /** Hands deliveries to their endpoints' workflows now; if Temporal is down the worker's sweep does it later. */
  handOver(items: readonly { id: string; endpointId: string }[]): Promise<void>;
}
