import { deliveries, tenants } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { updateTenantSettings } from '../tenants/update-tenant-settings.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { deleteEndpoint } from './delete-endpoint.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('deleteEndpoint', () => {
  it('cancels pending deliveries, keeps them, and stops operational events going there', async () => {
    const {
      tenant,
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    await updateTenantSettings(database.db, caller, { operationalEndpointId: ep!.id });
    const [published] = await publishMany(database, tenant.id, 1);
    expect(await deleteEndpoint(database.db, caller, ep!.id)).toBe(true);
    const [delivery] = await database.db.select().from(deliveries).where(eq(deliveries.id, published!.deliveries[0]!.id));
    expect(delivery).toMatchObject({ status: 'CANCELLED', cancelReason: 'ENDPOINT_DELETED' });
    const [row] = await database.db.select().from(tenants).where(eq(tenants.id, tenant.id));
    expect(row!.operationalEndpointId).toBeNull();
    await expect(deleteEndpoint(database.db, caller, ep!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("answers NOT_FOUND for another tenant's endpoint and leaves it alone", async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 1);
    await expect(deleteEndpoint(database.db, a.caller, b.endpoints[0]!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await deleteEndpoint(database.db, b.caller, b.endpoints[0]!.id)).toBe(true);
  });
});
