import { endpoints } from '@acme/schema/db';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { testDatabase } from './testing/fixtures.ts';

const database = testDatabase();
afterAll(() => database.close());

const SECRET = 'Bearer sk_live_do_not_log_me';

/** A logger writing into memory, as createLogger makes every logger of the gateway. */
function capture() {
  const lines: string[] = [];
  const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(line) });
  return { logger, output: () => lines.join('') };
}

describe('logging a database error', () => {
  it('keeps the failing SQL and the reason, never the parameters (Drizzle)', async () => {
    const err = await database.db
      .insert(endpoints)
      .values({
        id: 'ep_log_test',
        tenantId: 'ten_missing',
        url: 'https://example.com/',
        headers: { authorization: SECRET },
      } as never)
      .catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(SECRET); // what Drizzle would have logged
    const { logger, output } = capture();
    logger.error({ err }, 'write failed');
    const logged = output();
    expect(logged).not.toContain('sk_live_do_not_log_me');
    const entry = JSON.parse(logged);
    expect(entry.err.message).toMatch(/^Failed query: insert into "endpoints"/);
    expect(entry.err.cause.code).toBe('23503'); // foreign key violation: the reason stays
  });

  it('drops the row Postgres quotes in its detail (postgres.js)', async () => {
    const err = await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`create temp table log_test (a text not null, b text) on commit drop`);
        await tx.execute(sql`insert into log_test (a, b) values (null, ${SECRET})`);
      })
      .catch((e: unknown) => e);
    const { logger, output } = capture();
    logger.error({ err }, 'write failed');
    logger.warn(err as Error, 'as the first argument too');
    expect(output()).not.toContain('sk_live_do_not_log_me');
    expect(output()).toContain('violates not-null constraint');
  });
});
