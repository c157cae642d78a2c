import { sql } from 'drizzle-orm';
import { APP_ROLE } from './app-role.ts';
import type { Db, DbOrTx } from './client.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs `work` in a transaction as the application role with the tenant set, so Row-Level Security
 * hides every other tenant's rows even from a query that forgets its tenant filter. One statement:
 * both settings are transaction-local and vanish at commit or rollback.
 */
export function inTenant<T>(db: Db, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${APP_ROLE}, true), set_config('acme.tenant_id', ${tenantId}, true)`);
    return work(tx);
  });
}

export type { DbOrTx };
