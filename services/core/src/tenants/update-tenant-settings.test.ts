import { afterAll, describe, expect, it } from 'vitest';
import { fullAccess, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { updateTenantSettings } from './update-tenant-settings.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('updateTenantSettings', () => {
  it('sets the retry schedule and the operational endpoint, and clears them', async () => {
    const { tenant, endpoints, caller } = await tenantWithEndpoints(database, 1);
    const set = await updateTenantSettings(database.db, caller, {
      retrySchedule: '0s,10s',
      operationalEndpointId: endpoints[0]!.id,
    });
    expect(set).toMatchObject({ id: tenant.id, retrySchedule: '0s,10s', operationalEndpointId: endpoints[0]!.id });
    const cleared = await updateTenantSettings(database.db, caller, { retrySchedule: '', operationalEndpointId: null });
    expect(cleared).toMatchObject({ retrySchedule: null, operationalEndpointId: null });
  });

  it("refuses another tenant's endpoint and a bad schedule", async () => {
    const a = await tenantWithEndpoints(database, 1);
    const b = await tenantWithEndpoints(database, 1);
    await expect(
      updateTenantSettings(database.db, fullAccess(a.tenant.id), { operationalEndpointId: b.endpoints[0]!.id }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'operationalEndpointId' } });
    await expect(updateTenantSettings(database.db, a.caller, { retrySchedule: 'never' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
