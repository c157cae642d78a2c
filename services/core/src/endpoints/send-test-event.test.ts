import { afterAll, describe, expect, it } from 'vitest';
import { createEventType } from '../event-types/create-event-type.ts';
import { getEvent } from '../events/get-event.ts';
import { publishEvent } from '../events/publish-event.ts';
import { PublishRateLimiter } from '../events/publish-rate-limiter.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testPublishSettings, testSettings } from '../testing/fixtures.ts';
import { createEndpoint } from './create-endpoint.ts';
import { sendTestEvent, TEST_EVENT_LIMITS } from './send-test-event.ts';
import { updateEndpoint } from './update-endpoint.ts';

const database = testDatabase();
afterAll(() => database.close());
const publishing = testPublishSettings();
const url = 'http://127.0.0.1:9/x';

describe('sendTestEvent', () => {
  it('sends a real event to this endpoint only, with the type example or a sample of its schema', async () => {
    const {
      caller,
      endpoints: [other],
    } = await tenantWithEndpoints(database, 1);
    await createEventType(database.db, caller, {
      name: 'invoice.created',
      schema: { type: 'object', properties: { amount: { type: 'integer', minimum: 10 } }, required: ['amount'] },
    });
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, { url, eventTypes: ['invoice.created'] });
    const delivery = await sendTestEvent(database.db, publishing, caller, endpoint.id);
    expect(delivery).toMatchObject({ endpointId: endpoint.id, status: 'PENDING' });
    expect(delivery.endpointId).not.toBe(other!.id);
    const event = await getEvent(database.db, caller, delivery.eventId);
    expect(event).toMatchObject({ eventType: 'invoice.created', payload: { amount: 10 } });

    await createEventType(database.db, caller, { name: 'order.shipped', example: { tracking: 'TRK1' } });
    const asked = await sendTestEvent(database.db, publishing, caller, endpoint.id, 'order.shipped');
    expect(await getEvent(database.db, caller, asked.eventId)).toMatchObject({
      eventType: 'order.shipped',
      payload: { tracking: 'TRK1' },
    });
  });

  it('uses the built-in webhook.test type for an endpoint that receives every type', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, { url, consumerId: 'c1' });
    const delivery = await sendTestEvent(database.db, publishing, caller, endpoint.id);
    const event = await getEvent(database.db, caller, delivery.eventId);
    expect(event).toMatchObject({
      eventType: 'webhook.test',
      consumerId: 'c1',
      payload: expect.objectContaining({ test: true }),
    });
  });

  it('refuses an unknown type, a disabled endpoint, and endpoints outside the caller', async () => {
    const {
      tenant,
      caller,
      endpoints: [ep],
    } = await tenantWithEndpoints(database, 1);
    await expect(sendTestEvent(database.db, publishing, caller, ep!.id, 'no.such')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(sendTestEvent(database.db, publishing, portalSession(tenant.id, 'c9'), ep!.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const other = await tenantWithEndpoints(database, 0);
    await expect(sendTestEvent(database.db, publishing, other.caller, ep!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await updateEndpoint(database.db, testSettings, caller, ep!.id, { status: 'DISABLED' });
    await expect(sendTestEvent(database.db, publishing, caller, ep!.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("draws from a bucket of each key's own, never from its tenant's publish rate", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, { url, consumerId: 'acme' });
    const tight: typeof publishing = {
      ...publishing,
      rateLimiter: new PublishRateLimiter(() => 0),
      defaults: { publishRatePerSecond: 1, publishBurst: 5, maxPayloadBytes: 256 * 1024 },
    };
    const portal = portalSession(tenant.id, 'acme', 'key_portal_a');
    for (let i = 0; i < TEST_EVENT_LIMITS.publishBurst; i++) await sendTestEvent(database.db, tight, portal, endpoint.id);
    await expect(sendTestEvent(database.db, tight, portal, endpoint.id)).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    await sendTestEvent(database.db, tight, portalSession(tenant.id, 'acme', 'key_portal_b'), endpoint.id);
    for (let i = 0; i < 5; i++)
      await publishEvent(database.db, tight, caller, { eventType: 'invoice.paid', payload: { i }, consumerId: 'acme' });
  });
});
