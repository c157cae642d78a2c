import type { Database } from '@acme/core';
import type { TemporalClientProvider } from './temporal-client.ts';

/** Ready only when both stores answer: Postgres to a query, Temporal to a health check. The API and the worker both answer /readyz with it. */
export async function checkReadiness(database: Database, temporal: TemporalClientProvider, timeoutMs = 2000) {
  const [postgres, temporalOk] = await Promise.all([
    withTimeout(
      database.sql`select 1`.then(() => true),
      timeoutMs,
    ),
    temporal.isHealthy(timeoutMs),
  ]);
  return { ready: postgres && temporalOk, checks: { postgres, temporal: temporalOk } };
}

async function withTimeout(check: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
