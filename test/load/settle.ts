import postgres from 'postgres';
import { now, sleep } from './clock.ts';
import type { BenchContext } from './context.ts';

export interface Settled {
  /** First attempts still queued when it gave up waiting (0: idle). */
  queued: number;
  /** The vacuum of the queue table, when one ran: the dead row versions it found, and how long it took. */
  vacuum: { deadRows: number; ms: number } | null;
}

/**
 * Waits until the dispatcher has no first attempts queued (up to `timeoutMs`), so a phase does not
 * inherit the previous one's backlog; then, with `vacuum`, vacuums the deliveries table. A burst
 * leaves every delivered row's old versions in the dispatch index until a vacuum clears them, and
 * every claim walks past them: the next phase would measure the minute after a burst (autovacuum
 * looks at each table once a minute, and then only past 20 % of dead rows), not a steady flow.
 */
export async function settle(ctx: BenchContext, vacuum: boolean, timeoutMs = 30_000): Promise<Settled> {
  if (!ctx.gateway.databaseUrl) return { queued: 0, vacuum: null };
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
      if (!vacuum) return { queued, vacuum: null };
      const [dead] = await sql<{ n: number }[]>`
        select coalesce(n_dead_tup, 0)::int as n from pg_stat_user_tables where relname = 'deliveries'`;
      const begun = now();
      await sql`vacuum deliveries`;
      return { queued, vacuum: { deadRows: dead?.n ?? 0, ms: Math.round(now() - begun) } };
    }
  } finally {
    await sql.end();
  }
}
