import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/eventually.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { markRecovering } from './endpoint-health.ts';
import { planRetries } from './plan-retries.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('planRetries', () => {
  it('never holds up a publish to its endpoint while its transaction runs', async () => {
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    const endpointId = endpoints[0]!.id;
    const [published] = await publishMany(database, tenant.id, 1);
    const heldId = published!.deliveries[0]!.id;
    await markRecovering(database.db, [endpointId]);
    await database.sql`update deliveries set held = true where id = ${heldId}`;

    // The held delivery locked elsewhere: planRetries finds no probe, marks the endpoint healthy and
    // then waits to release that row, inside its transaction, holding its lock on the endpoint.
    const blocker = await database.sql.reserve();
    try {
      await blocker`begin`;
      await blocker`select id from deliveries where id = ${heldId} for update`;
      const planning = planRetries(database.sql, endpointId);
      await eventually(async () => {
        const [row] = await database.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query like '%update deliveries set held = false%'`;
        return (row?.n ?? 0) > 0;
      }, 'planRetries to wait on the locked delivery');
      // A publish to that endpoint (its delivery's foreign key checks the endpoint row) goes through.
      const publish = publishMany(database, tenant.id, 1).then(() => 'published');
      const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000));
      expect(await Promise.race([publish, waited])).toBe('published');
      await blocker`commit`;
      expect(await planning).toBeNull();
    } finally {
      await blocker`rollback`.catch(() => {});
      blocker.release();
    }
  });
});
