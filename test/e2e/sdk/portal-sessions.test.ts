// acme.portalSessions.create through the SDK against a real gateway, then the session's token in a
// second client, as the tenant portal uses it: it sees and manages one consumer's data only.
import { AuthenticationError, NotFoundError, PermissionError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();

describe('portalSessions', () => {
  it('creates a short-lived session whose client sees only its consumer’s endpoints, events and deliveries', async () => {
    const target = await bed.receiver();
    const { acme, tenantId } = await bed.tenant();
    const mine = (await acme.endpoints.create({ url: target.url, consumerId: 'cus_a' })).endpoint;
    const theirs = (await acme.endpoints.create({ url: target.url, consumerId: 'cus_b' })).endpoint;
    const tenantWide = (await acme.endpoints.create({ url: target.url })).endpoint;
    const forA = await acme.events.publish({ eventType: 'invoice.paid', payload: { to: 'a' }, consumerId: 'cus_a' });
    const forB = await acme.events.publish({ eventType: 'invoice.paid', payload: { to: 'b' }, consumerId: 'cus_b' });
    const forNone = await acme.events.publish({ eventType: 'invoice.paid', payload: { to: 'all' } });

    const session = await acme.portalSessions.create({ consumerId: 'cus_a', ttlSeconds: 600 });
    expect(session).toMatchObject({ consumerId: 'cus_a', token: expect.stringMatching(/^acme_ps_/) });
    expect(session.url).toBe(`${bed.gateway.url}/session#${session.token}`);
    const ttl = Date.parse(session.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    const portal = bed.sdk(session.token);
    await expect(portal.viewer()).resolves.toMatchObject({
      isOperator: false,
      tenant: { id: tenantId },
      scopes: ['PORTAL'],
      consumerId: 'cus_a',
      apiKey: { scopes: ['PORTAL'], consumerId: 'cus_a', expiresAt: session.expiresAt },
    });
    await expect(portal.endpoints.list()).resolves.toMatchObject({ items: [{ id: mine.id }] });
    await expect(portal.events.list()).resolves.toMatchObject({ items: [{ id: forA.event.id }] });
    const deliveries = await portal.deliveries.list();
    expect(deliveries.items.map((d) => d.id)).toEqual(forA.deliveries.map((d) => d.id));
    await waitForDelivery(portal, forA.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');

    for (const id of [theirs.id, tenantWide.id]) await expect(portal.endpoints.get(id)).rejects.toBeInstanceOf(NotFoundError);
    for (const { event } of [forB, forNone]) await expect(portal.events.get(event.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(portal.deliveries.get(forB.deliveries[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(portal.endpoints.pause(theirs.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets the session manage its consumer’s endpoints, and nothing tenant-wide', async () => {
    const { acme } = await bed.tenant();
    const portal = bed.sdk((await acme.portalSessions.create({ consumerId: 'cus_a' })).token);

    const { endpoint, secret } = await portal.endpoints.create({ url: 'http://127.0.0.1:9/mine' });
    expect(endpoint.consumerId).toBe('cus_a');
    expect(secret).toMatch(/^whsec_/);
    await expect(portal.endpoints.pause(endpoint.id)).resolves.toMatchObject({ status: 'PAUSED' });
    await expect(acme.endpoints.list({ consumerId: 'cus_a' })).resolves.toMatchObject({
      items: [{ id: endpoint.id, status: 'PAUSED' }],
    });
    await expect(portal.endpoints.create({ url: 'http://127.0.0.1:9/x', consumerId: 'cus_b' })).rejects.toBeInstanceOf(
      PermissionError,
    );

    for (const call of [
      () => portal.apiKeys.list(),
      () => portal.apiKeys.create({ name: 'escalate', scopes: ['FULL_ACCESS'] }),
      () => portal.portalSessions.create({ consumerId: 'cus_b' }),
      () => portal.tenants.updateSettings({ retrySchedule: '0s' }),
      () => portal.auditLog.list(),
      () => portal.eventTypes.create({ name: 'a.b' }),
    ])
      await expect(call()).rejects.toMatchObject({ name: 'PermissionError', code: 'FORBIDDEN' });
  });

  it('refuses a lifetime out of range, and a session ends when its key is revoked', async () => {
    const { acme } = await bed.tenant();
    await expect(acme.portalSessions.create({ consumerId: 'cus_a', ttlSeconds: 5 })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'ttlSeconds',
    });
    await expect(acme.portalSessions.create({ consumerId: ' ' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'consumerId',
    });
    const session = await acme.portalSessions.create({ consumerId: 'cus_a' });
    const portal = bed.sdk(session.token);
    const { apiKey } = await portal.viewer();
    await acme.apiKeys.revoke(apiKey!.id);
    await expect(portal.endpoints.list()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(bed.operator().portalSessions.create({ consumerId: 'cus_a' })).rejects.toBeInstanceOf(PermissionError);
  });
});
