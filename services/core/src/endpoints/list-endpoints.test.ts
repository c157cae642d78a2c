import { afterAll, describe, expect, it } from 'vitest';
import { createEventType } from '../event-types/create-event-type.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { createEndpoint } from './create-endpoint.ts';
import { deleteEndpoint } from './delete-endpoint.ts';
import { getEndpoint } from './get-endpoint.ts';
import { listEndpoints } from './list-endpoints.ts';
import { updateEndpoint } from './update-endpoint.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('listEndpoints and getEndpoint', () => {
  it('filters by status, event type, consumer and text, newest first, and leaves deleted ones out', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'order.created' });
    const make = async (input: Record<string, unknown>) =>
      (await createEndpoint(database.db, testSettings, caller, { url: 'http://127.0.0.1:9/x', ...input })).endpoint;
    const all = await make({ description: 'Catch-all' });
    const orders = await make({ eventTypes: ['order.created'], description: 'Orders' });
    const acme = await make({ consumerId: 'acme', url: 'http://127.0.0.1:9/acme-hooks' });
    const gone = await make({});
    await deleteEndpoint(database.db, caller, gone.id);
    await updateEndpoint(database.db, testSettings, caller, orders.id, { status: 'PAUSED' });

    const ids = async (filter: Record<string, unknown>) =>
      (await listEndpoints(database.db, caller, { filter })).nodes.map((e) => e.id);
    expect(await ids({})).toEqual([acme.id, orders.id, all.id]);
    expect(await ids({ status: 'PAUSED' })).toEqual([orders.id]);
    expect(await ids({ eventType: 'invoice.paid' })).toEqual([acme.id, all.id]);
    expect(await ids({ consumerId: 'acme' })).toEqual([acme.id]);
    expect(await ids({ search: 'ACME-HOOKS' })).toEqual([acme.id]);
    expect(await ids({ search: 'catch' })).toEqual([all.id]);
    expect((await listEndpoints(database.db, portalSession(tenant.id, 'acme'), {})).nodes.map((e) => e.id)).toEqual([acme.id]);
    expect(await getEndpoint(database.db, portalSession(tenant.id, 'acme'), all.id)).toBeNull();
    expect(await getEndpoint(database.db, caller, gone.id)).toBeNull();
    expect(await getEndpoint(database.db, caller, gone.id, { includeDeleted: true })).toMatchObject({ id: gone.id });
  });
});
