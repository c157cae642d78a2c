import type { Config, Database, Principal } from '@acme/core';

export interface GraphQLContext {
  principal: Principal | null;
  database: Database;
  config: Config;
}
