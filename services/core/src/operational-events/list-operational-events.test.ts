import { operationalEvents } from '@acme/schema/db';
import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { newId } from '../ids.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { listOperationalEvents } from './list-operational-events.ts';

const database = testDatabase();
afterAll(() => database.close());

// The delivery engine writes these rows; here they are written directly, as it would.
async function record(
  tenantId: string,
  type: 'ENDPOINT_DISABLED' | 'DELIVERY_DEAD_LETTERED',
  endpointId: string,
  createdAt = new Date(),
) {
  const id = newId('opev');
  await database.db
    .insert(operationalEvents)
    .values({ id, tenantId, type, endpointId, message: `${type} ${endpointId}`, createdAt });
  return id;
}

describe('listOperationalEvents', () => {
  it('lists the tenant’s, newest first, filtered by type, endpoint and time', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 2);
    const [e1, e2] = [endpoints[0]!.id, endpoints[1]!.id];
    const old = await record(tenant.id, 'DELIVERY_DEAD_LETTERED', e1, new Date(Date.now() - 3600_000));
    const disabled = await record(tenant.id, 'ENDPOINT_DISABLED', e1);
    const dead = await record(tenant.id, 'DELIVERY_DEAD_LETTERED', e2);
    const other = await tenantWithEndpoints(database, 1);
    await record(other.tenant.id, 'ENDPOINT_DISABLED', other.endpoints[0]!.id);

    const ids = async (filter: Record<string, unknown>) =>
      (await listOperationalEvents(database.db, caller, { filter })).nodes.map((e) => e.id);
    expect(await ids({})).toEqual([dead, disabled, old]);
    expect(await ids({ type: 'ENDPOINT_DISABLED' })).toEqual([disabled]);
    expect(await ids({ endpointId: e1 })).toEqual([disabled, old]);
    expect(await ids({ since: new Date(Date.now() - 60_000) })).toEqual([dead, disabled]);
  });

  it("shows a portal session only its consumer's endpoints' events", async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 1);
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, {
      url: 'http://127.0.0.1:9/x',
      consumerId: 'acme',
    });
    const mine = await record(tenant.id, 'ENDPOINT_DISABLED', endpoint.id);
    await record(tenant.id, 'ENDPOINT_DISABLED', endpoints[0]!.id);
    expect((await listOperationalEvents(database.db, portalSession(tenant.id, 'acme'), {})).nodes.map((e) => e.id)).toEqual([
      mine,
    ]);
  });
});
