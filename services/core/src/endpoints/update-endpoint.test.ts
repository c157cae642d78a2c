import { deliveries, endpoints } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { portalSession, publishMany, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { createEndpoint } from './create-endpoint.ts';
import { updateEndpoint } from './update-endpoint.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('updateEndpoint', () => {
  it('changes fields and guards a new URL again', async () => {
    const {
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    const { endpoint } = await updateEndpoint(database.db, testSettings, caller, ep!.id, {
      description: 'Billing',
      timeoutMs: 5000,
    });
    expect(endpoint).toMatchObject({ description: 'Billing', timeoutMs: 5000, url: ep!.url });
    await expect(
      updateEndpoint(database.db, { ...testSettings, privateDestinationsAllowed: [] }, caller, ep!.id, {
        url: 'http://10.1.2.3/',
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('resumes a paused endpoint and returns the held retries to wake their workflow', async () => {
    const {
      tenant,
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    const [published] = await publishMany(database, tenant.id, 1);
    const held = published!.deliveries[0]!.id;
    await database.db.update(deliveries).set({ handler: 'WORKFLOW', handedOff: true }).where(eq(deliveries.id, held));
    await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'PAUSED' }, { action: 'pauseEndpoint' });
    const { endpoint, resumed } = await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'ACTIVE' });
    expect(endpoint.status).toBe('ACTIVE');
    expect(resumed).toEqual([{ id: held, endpointId: ep!.id }]);
  });

  it('re-enables a DISABLED endpoint with a clean record', async () => {
    const {
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    await database.db
      .update(endpoints)
      .set({ status: 'DISABLED', disabledReason: 'The endpoint answered 410 Gone.', failingSince: new Date(0) })
      .where(eq(endpoints.id, ep!.id));
    const { endpoint } = await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'ACTIVE' });
    expect(endpoint).toMatchObject({ status: 'ACTIVE', disabledReason: null, failingSince: null, health: 'HEALTHY' });
  });

  it('re-enables a DISABLED endpoint with a clean record when it goes through PAUSED first', async () => {
    const {
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    await database.db
      .update(endpoints)
      .set({ status: 'DISABLED', disabledReason: 'Failing since long ago.', failingSince: new Date(0), health: 'RECOVERING' })
      .where(eq(endpoints.id, ep!.id));
    const paused = await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'PAUSED' });
    expect(paused.endpoint).toMatchObject({ status: 'PAUSED', failingSince: null, health: 'HEALTHY' });
    const { endpoint } = await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'ACTIVE' });
    expect(endpoint).toMatchObject({ status: 'ACTIVE', disabledReason: null, failingSince: null, health: 'HEALTHY' });
  });

  it("answers NOT_FOUND for another tenant's endpoint and for another consumer's, and a portal cannot move an endpoint", async () => {
    const a = await tenantWithEndpoints(database, 1);
    const b = await tenantWithEndpoints(database, 1);
    await expect(
      updateEndpoint(database.db, testSettings, a.caller, b.endpoints[0]!.id, { description: 'x' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const mine = (await createEndpoint(database.db, testSettings, a.caller, { url: 'http://127.0.0.1:9/c', consumerId: 'c1' }))
      .endpoint;
    await expect(
      updateEndpoint(database.db, testSettings, portalSession(a.tenant.id, 'c2'), mine.id, { description: 'x' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      updateEndpoint(database.db, testSettings, portalSession(a.tenant.id, 'c1'), mine.id, { consumerId: 'c2' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
