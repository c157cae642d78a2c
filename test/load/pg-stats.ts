import postgres from 'postgres';

export interface StatementCost {
  calls: number;
  /** Execution time; planning is apart (planMs). */
  totalMs: number;
  meanMs: number;
  /** Time spent planning it (a prepared statement planned again per call shows here). */
  planMs: number;
  rows: number;
  /** Normalised text (constants as $n), shortened. */
  query: string;
}

/**
 * pg_stat_statements, when the server loads it (`--pg-stats` restarts the embedded Postgres with it):
 * which statements the gateway's Postgres time goes to. Returns false when it is not available.
 */
export async function resetStatementStats(databaseUrl: string): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`create extension if not exists pg_stat_statements`;
    await sql`select pg_stat_statements_reset()`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end();
  }
}

/** The statements of the gateway's database with the most execution time since the reset. */
export async function topStatements(databaseUrl: string, limit = 15): Promise<StatementCost[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ calls: string; total: number; mean: number; plan: number; rows: string; query: string }[]>`
      select s.calls, s.total_exec_time as total, s.mean_exec_time as mean, s.total_plan_time as plan, s.rows, s.query
        from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = current_database()
       order by s.total_exec_time desc
       limit ${limit}`;
    return rows.map((r) => ({
      calls: Number(r.calls),
      totalMs: Math.round(r.total),
      meanMs: Math.round(r.mean * 1000) / 1000,
      planMs: Math.round(r.plan),
      rows: Number(r.rows),
      query: r.query.replace(/\s+/g, ' ').slice(0, 300),
    }));
  } finally {
    await sql.end();
  }
}

/** Makes the server load pg_stat_statements at its next start (the caller restarts it). */
export async function preloadStatementStats(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`alter system set shared_preload_libraries = 'pg_stat_statements'`;
    // Planning is counted too: a prepared statement Postgres plans again on every call costs CPU
    // that its execution time does not show.
    await sql`alter system set pg_stat_statements.track_planning = on`;
  } finally {
    await sql.end();
  }
}
