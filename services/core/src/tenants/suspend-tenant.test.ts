import { deliveries } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticate } from '../auth/authenticate.ts';
import { deliveriesAwaitingHandoff } from '../delivery/handoff.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createTenant } from './create-tenant.ts';
import { reactivateTenant, suspendTenant } from './suspend-tenant.ts';

const database = testDatabase();
afterAll(() => database.close());
const ADMIN = 'acme_admin_some-other-key-xxxxxxxxxxxxxxx';

describe('suspendTenant and reactivateTenant', () => {
  it("stops the tenant's keys at once, keeps the first suspension time, and reactivation lets them in again", async () => {
    const { tenant, token } = await createTenant(database.db, { name: 'Suspended' });
    const suspended = await suspendTenant(database.db, tenant.id);
    expect(suspended).toMatchObject({ status: 'SUSPENDED', suspendedAt: expect.any(Date) });
    await expect(authenticate(database.db, ADMIN, token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const again = await suspendTenant(database.db, tenant.id);
    expect(again.suspendedAt).toEqual(suspended.suspendedAt);
    const back = await reactivateTenant(database.db, tenant.id);
    expect(back).toMatchObject({ status: 'ACTIVE', suspendedAt: null });
    await expect(authenticate(database.db, ADMIN, token)).resolves.toMatchObject({ tenantId: tenant.id });
  });

  it('hands its retries to new workflows on reactivation, though they were marked handed off', async () => {
    // A hand-off that raced the suspension marked the retry handed off after its workflow had ended.
    const { tenant, endpoints } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const id = published!.deliveries[0]!.id;
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', handedOff: true, attemptCount: 1 })
      .where(eq(deliveries.id, id));
    await suspendTenant(database.db, tenant.id);
    await reactivateTenant(database.db, tenant.id);
    expect(await deliveriesAwaitingHandoff(database.sql, 1000, endpoints[0]!.id)).toEqual([{ id, endpointId: endpoints[0]!.id }]);
  });

  it('answers NOT_FOUND for an unknown tenant', async () => {
    await expect(suspendTenant(database.db, 'tnt_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
