import { afterAll, describe, expect, it } from 'vitest';
import { claimFirstAttempts } from '../delivery/claim-first-attempts.ts';
import { testDatabase } from '../testing/fixtures.ts';
import { textArray } from './text-array.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('textArray', () => {
  it('reaches Postgres as the same values, whatever characters they hold', async () => {
    const values = ['plain', '', 'with "quotes"', 'back\\slash', 'a,b', '{braces}', 'NULL', ' spaced ', 'ünïcødé ✓', null];
    // Compared in SQL, element by element (an array's NULL and the string 'NULL' differ there).
    const rows = await database.sql<{ n: number; same: boolean }[]>`
      select n::int, (e #>> '{}') is not distinct from (${textArray(values)}::text[])[n] as same
        from jsonb_array_elements(${JSON.stringify(values)}::jsonb) with ordinality as x(e, n)`;
    expect(rows.map((r) => r.same)).toEqual(values.map(() => true));
    const [empty] = await database.sql<{ n: number }[]>`select cardinality(${textArray([])}::text[]) as n`;
    expect(empty!.n).toBe(0);
  });

  it('works as the first statement of a fresh pool (sql.array sent "" there: "malformed array literal")', async () => {
    const fresh = testDatabase();
    const listener = await fresh.sql.listen('text_array_probe', () => {});
    try {
      await expect(claimFirstAttempts(fresh.sql, { owner: 'fresh-pool', limit: 1, leaseMs: 1000 })).resolves.toBeInstanceOf(
        Array,
      );
    } finally {
      await listener.unlisten();
      await fresh.close();
    }
  });
});
