import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testPublishSettings, testSettings } from '../testing/fixtures.ts';
import { getEvent } from './get-event.ts';
import { listEvents } from './list-events.ts';
import { publishEvent } from './publish-event.ts';

const database = testDatabase();
afterAll(() => database.close());
const publishing = testPublishSettings();

describe('listEvents and getEvent', () => {
  it('filters by type, consumer and time, newest first', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await createEventType(database.db, caller, { name: 'order.created' });
    const p = (eventType: string, consumerId?: string) =>
      publishEvent(database.db, publishing, caller, { eventType, payload: {}, consumerId });
    const e1 = (await p('invoice.paid')).event;
    const e2 = (await p('order.created', 'acme')).event;
    const e3 = (await p('invoice.paid', 'acme')).event;

    const ids = async (filter: Record<string, unknown>) =>
      (await listEvents(database.db, caller, { filter })).nodes.map((e) => e.id);
    expect(await ids({})).toEqual([e3.id, e2.id, e1.id]);
    expect(await ids({ eventType: 'invoice.paid' })).toEqual([e3.id, e1.id]);
    expect(await ids({ consumerId: 'acme' })).toEqual([e3.id, e2.id]);
    expect(await ids({ since: e2.createdAt })).toEqual([e3.id, e2.id]);
    expect(await ids({ until: e2.createdAt })).toEqual([e1.id]);
  });

  it("finds an event by its id or its idempotency key, whole, and only the caller's", async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const keyed = (
      await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {}, idempotencyKey: 'order-77' })
    ).event;
    const plain = (await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {} })).event;
    const ids = async (search: string, who = caller) =>
      (await listEvents(database.db, who, { filter: { search } })).nodes.map((e) => e.id);
    expect(await ids('order-77')).toEqual([keyed.id]);
    expect(await ids(` ${plain.id} `)).toEqual([plain.id]);
    expect(await ids('order-7')).toEqual([]);
    expect(await ids('')).toEqual([plain.id, keyed.id]);
    const other = await tenantWithEndpoints(database, 0);
    expect(await ids('order-77', other.caller)).toEqual([]);
    expect(await ids(keyed.id, other.caller)).toEqual([]);
  });

  it("shows a portal session its consumer's events and those delivered to its endpoints, nothing else", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    await createEndpoint(database.db, testSettings, caller, { url: 'http://127.0.0.1:9/x', consumerId: 'acme' });
    const mine = (
      await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {}, consumerId: 'acme' })
    ).event;
    const theirs = (
      await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {}, consumerId: 'globex' })
    ).event;
    const untargeted = (await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {} })).event;
    const portal = portalSession(tenant.id, 'acme');
    expect((await listEvents(database.db, portal, {})).nodes.map((e) => e.id)).toEqual([mine.id]);
    expect(await getEvent(database.db, portal, theirs.id)).toBeNull();
    expect(await getEvent(database.db, portal, untargeted.id)).toBeNull();
    const other = await tenantWithEndpoints(database, 0);
    expect(await getEvent(database.db, other.caller, mine.id)).toBeNull();
  });
});
