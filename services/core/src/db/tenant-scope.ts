import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { APP_ROLE } from './app-role.ts';
import type { Db, DbOrTx } from './client.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs `work` in a transaction as the application role with the tenant set, so Row-Level Security
 * hides every other tenant's rows even from a query that forgets its tenant filter. One statement:
 * both settings are transaction-local and vanish at commit or rollback.
 */
export async function inTenant<T>(db: Db, tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  const attempt = () =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', ${APP_ROLE}, true), set_config('acme.tenant_id', ${tenantId}, true)`);
      return work(tx);
    });
  try {
    return await attempt();
  } catch (err) {
    // Postgres broke a deadlock by rolling this transaction back: run it once more rather than fail
    // the caller's request (the other side has its locks by now).
    if (!isDeadlock(err)) throw err;
    return attempt();
  }
}

/** 40P01, whether raised by postgres.js or wrapped by Drizzle. */
export function isDeadlock(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) {
    if ((e as Error & { code?: unknown }).code === '40P01') return true;
  }
  return false;
}

type Queries = readonly Promise<unknown>[];
type Results<Q extends Queries> = { [K in keyof Q]: Awaited<Q[K]> };

/**
 * inTenant for a hot path, in one round trip: BEGIN, the role and tenant settings, `statements`
 * and COMMIT are written to one connection together (postgres.js pipelines them) and answered
 * together. Each statement is a prepared postgres.js query, so Postgres parses and plans it once
 * per connection. If any fails, the ones after it fail too (the transaction is aborted) and
 * COMMIT ends it as a rollback: all or nothing, as in inTenant.
 *
 * With `beforeCommit`, COMMIT waits for it (one more round trip): it sees the statements' results,
 * may run more statements on the transaction, and rolls everything back by throwing.
 */
export async function pipelineInTenant<const Q extends Queries>(
  sql: postgres.Sql,
  tenantId: string,
  statements: (tx: postgres.Sql) => Q,
  beforeCommit?: (results: Results<Q>, tx: postgres.Sql) => Promise<void>,
): Promise<Results<Q>> {
  const tx = await sql.reserve();
  try {
    const begin = tx`begin`;
    const scope = tx`select set_config('role', ${APP_ROLE}, true), set_config('acme.tenant_id', ${tenantId}, true)`;
    const queries = statements(tx);
    // Settled, not raced: the connection goes back to the pool only once the transaction has ended.
    const settled = await Promise.allSettled([begin, scope, ...queries, ...(beforeCommit ? [] : [tx`commit`])]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const results = settled.slice(2, 2 + queries.length).map((s) => (s as PromiseFulfilledResult<unknown>).value) as Results<Q>;
    if (!beforeCommit) {
      if (failed) throw failed.reason;
      return results;
    }
    try {
      if (failed) throw failed.reason;
      await beforeCommit(results, tx);
    } catch (err) {
      // The error that matters is `err`; a connection too broken to roll back is closed, which rolls back.
      await tx`rollback`.catch(() => {});
      throw err;
    }
    await tx`commit`;
    return results;
  } finally {
    tx.release();
  }
}

export type { DbOrTx };
