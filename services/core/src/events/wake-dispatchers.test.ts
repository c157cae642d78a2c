import { deliveries } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { DELIVERIES_CHANNEL } from './wake-dispatchers.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('waking the dispatchers', () => {
  it('NOTIFYs once the publish committed, so a woken dispatcher finds the delivery', async () => {
    const { tenant } = await tenantWithEndpoints(database, 1);
    let woken: () => void = () => {};
    const wake = new Promise<void>((resolve) => (woken = resolve));
    const listener = await database.sql.listen(DELIVERIES_CHANNEL, async () => {
      const rows = await database.db.select().from(deliveries).where(eq(deliveries.tenantId, tenant.id));
      // Other test files publish too: only a wake-up that finds this delivery counts.
      if (rows.length === 1) woken();
    });
    try {
      await publishMany(database, tenant.id, 1);
      const outcome = await Promise.race([
        wake.then(() => 'woken'),
        new Promise((resolve) => setTimeout(() => resolve('no NOTIFY within 10 s'), 10_000)),
      ]);
      expect(outcome).toBe('woken');
    } finally {
      await listener.unlisten();
    }
  });
});
