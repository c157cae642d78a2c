import postgres from 'postgres';
import { now, sleep } from './clock.ts';
import type { BenchContext } from './context.ts';

/**
 * Waits until the dispatcher has no first attempts queued (up to `timeoutMs`), so a phase does not
 * inherit the previous one's backlog. Returns what was still queued when it gave up (0: idle).
 */
export async function settle(ctx: BenchContext, timeoutMs = 30_000): Promise<number> {
  if (!ctx.gateway.databaseUrl) return 0;
  const sql = postgres(ctx.gateway.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const deadline = now() + timeoutMs;
    for (;;) {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from deliveries d join endpoints e on e.id = d.endpoint_id
         where d.status = 'PENDING' and d.handler = 'DISPATCHER'
           and e.status = 'ACTIVE' and e.health = 'HEALTHY' and e.deleted_at is null`;
      const queued = row?.n ?? 0;
      if (queued === 0 || now() > deadline) return queued;
      await sleep(250);
    }
  } finally {
    await sql.end();
  }
}
