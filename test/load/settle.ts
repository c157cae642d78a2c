import postgres from 'postgres';
import { now, sleep } from './clock.ts';
import type { BenchContext } from './context.ts';

export interface Settled {
  /** First attempts still queued when it gave up waiting (0: idle). */
  queued: number;
  /** The vacuum, when one ran: the dead row versions it found in the tables a phase writes, and how long it took. */
  vacuum: { deadRows: number; ms: number } | null;
  /** The checkpoint after it, when one ran: how long it took (null: not allowed to this role). */
  checkpointMs: number | null;
}

/**
 * Waits until the dispatcher has no first attempts queued (up to `timeoutMs`), so a phase does not
 * inherit the previous one's backlog; then, with `vacuum`, vacuums the tables a phase writes and
 * takes a checkpoint. A burst leaves every delivered row's old versions in the dispatch index until a
 * vacuum clears them, and every claim walks past them; and tables that grew from nothing in a minute
 * get autovacuumed and analyzed (each 20 % of growth) in the middle of the next phases. Without it, a
 * phase measures the minutes after the one before it, not the steady flow it stands for. No ANALYZE of
 * those tables, and nothing before the first write: statistics of empty tables would plan every
 * statement for empty tables until autovacuum came round (measured: batches at 0.3x).
 *
 * The small tables the phases fill with their tenants and endpoints are analyzed, as autovacuum would
 * within a minute, so that a phase does not run on plans made for the tables before the last phase's
 * setup. The checkpoint puts every phase at the same place in Postgres's checkpoint cycle: each starts just
 * after one (its first change to each page writes the whole page to the WAL, as in any cycle), and
 * none runs while one is being spread over it. Without it, the checkpoint the throughput phases' WAL
 * asks for (at about half of max_wal_size) began during whichever later phase was running then.
 */
export async function settle(ctx: BenchContext, vacuum: boolean, timeoutMs = 30_000): Promise<Settled> {
  if (!ctx.gateway.databaseUrl) return { queued: 0, vacuum: null, checkpointMs: null };
  const sql = postgres(ctx.gateway.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const deadline = now() + timeoutMs;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from deliveries d join endpoints e on e.id = d.endpoint_id
         where d.status = 'PENDING' and d.handler = 'DISPATCHER'
           and e.status = 'ACTIVE' and e.health = 'HEALTHY' and e.deleted_at is null`;
      const queued = row?.n ?? 0;
      if (queued > 0 && now() <= deadline) {
        await sleep(250);
        continue;
      }
      if (!vacuum) return { queued, vacuum: null, checkpointMs: null };
      const [written] = await sql<{ dead: number; inserted: number }[]>`
        select coalesce(sum(n_dead_tup), 0)::int as dead, coalesce(sum(n_ins_since_vacuum), 0)::int as inserted
          from pg_stat_user_tables where relname in ('deliveries', 'events', 'delivery_attempts')`;
      let vacuumed = { deadRows: 0, ms: 0 };
      if (written && written.dead + written.inserted > 0) {
        const begun = now();
        await sql`vacuum deliveries, events, delivery_attempts`;
        vacuumed = { deadRows: written.dead, ms: Math.round(now() - begun) };
        // The small tables a phase set up (endpoints: 1,000 more after the fan-out phase) analyzed, as
        // autovacuum would within a minute: plans made when endpoints had 40 rows read all of them by
        // sequential scan, 1,050 rows a statement, through the isolation runs that follow the fan-out.
        await sql`analyze tenants, endpoints, endpoint_secrets, event_types, api_keys`;
      }
      const begun = now();
      const checkpointed = await sql`checkpoint`.then(
        () => true,
        () => false,
      );
      return { queued, vacuum: vacuumed, checkpointMs: checkpointed ? Math.round(now() - begun) : null };
    }
  } finally {
    await sql.end();
  }
}

/** Checkpoints Postgres has begun so far (timed and requested), or null where it does not say (before 17). */
export async function checkpointsSoFar(databaseUrl: string | null): Promise<number | null> {
  if (!databaseUrl) return null;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`select (num_timed + num_requested)::int as n from pg_stat_checkpointer`;
    return row?.n ?? null;
  } catch {
    return null;
  } finally {
    await sql.end();
  }
}
