// What a tenant reads about its traffic and its account through the SDK, against a real gateway:
// acme.stats(), acme.endpoints.stats(), acme.auditLog.*, acme.operationalEvents.*.
import { type AcmeWebhooks, PermissionError, verifyWebhook } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitFor, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();

describe('stats', () => {
  it('counts the tenant’s and each endpoint’s deliveries by status, with success rate, attempts and latency', async () => {
    const good = await bed.receiver();
    const bad = await bed.receiver(() => ({ status: 500 }));
    const { acme } = await bed.tenant();
    const { endpoint: up } = await acme.endpoints.create({ url: good.url });
    const { endpoint: down } = await acme.endpoints.create({ url: bad.url, retrySchedule: '0s' });
    const since = new Date(Date.now() - 60_000);
    for (let n = 0; n < 3; n++) {
      const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n } });
      for (const d of deliveries) await waitForDelivery(acme, d.id, (x) => x.status !== 'PENDING');
    }

    const tenant = await acme.stats();
    expect(tenant).toMatchObject({
      counts: { total: 6, pending: 0, succeeded: 3, deadLettered: 3, cancelled: 0 },
      successRate: 0.5,
      attemptCount: 6,
      attemptLatencyMs: { p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) },
    });
    expect(Date.parse(tenant.until) - Date.parse(tenant.since)).toBe(24 * 3_600_000);
    const bucketed = tenant.buckets.reduce((sum, b) => sum + b.counts.total, 0);
    expect(bucketed).toBe(6);

    await expect(acme.endpoints.stats(up.id)).resolves.toMatchObject({
      counts: { total: 3, succeeded: 3, deadLettered: 0 },
      successRate: 1,
      attemptCount: 3,
    });
    const byMinute = await acme.endpoints.stats(down.id, { since, bucket: 'MINUTE' });
    expect(byMinute).toMatchObject({ counts: { total: 3, deadLettered: 3 }, successRate: 0, attemptCount: 3 });
    expect(byMinute.buckets.length).toBeGreaterThanOrEqual(1);
    expect(byMinute.buckets.reduce((sum, b) => sum + b.counts.deadLettered, 0)).toBe(3);
    await expect(acme.stats({ since: new Date(Date.now() + 60_000) })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'since',
    });

    // Another tenant's endpoint: nothing to see.
    const other = await bed.tenant();
    await expect(other.acme.endpoints.stats(up.id)).resolves.toMatchObject({ counts: { total: 0 }, successRate: null });
    await expect(other.acme.stats()).resolves.toMatchObject({ counts: { total: 0 }, attemptLatencyMs: null });
  });
});

describe('auditLog', () => {
  it('records who changed what, newest first, without secrets, filtered by action and target', async () => {
    const { acme, tenantId } = await bed.tenant();
    const { apiKey } = await acme.viewer();
    const { endpoint } = await acme.endpoints.create({
      url: 'http://127.0.0.1:9/a',
      headers: { authorization: 'Bearer s3cret' },
    });
    await acme.endpoints.pause(endpoint.id);
    await acme.endpoints.rotateSecret(endpoint.id);
    const portal = bed.sdk((await acme.portalSessions.create({ consumerId: 'cus_a' })).token);
    await portal.endpoints.create({ url: 'http://127.0.0.1:9/p' });
    await bed.operator().apiKeys.create({ name: 'ops', scopes: ['READ_ONLY'], tenantId });

    const entries = await all(acme, {});
    expect(entries.map((e) => e.action)).toEqual([
      'createApiKey',
      'createEndpoint',
      'createPortalSession',
      'rotateEndpointSecret',
      'pauseEndpoint',
      'createEndpoint',
      'createEventType',
      'createTenant',
    ]);
    expect(entries[0]).toMatchObject({ actorKind: 'OPERATOR', apiKeyId: null });
    expect(entries.at(-1)).toMatchObject({ actorKind: 'OPERATOR', targetId: tenantId });
    expect(entries[1]).toMatchObject({ actorKind: 'PORTAL_SESSION' });
    const created = entries[5]!;
    expect(created).toMatchObject({ actorKind: 'API_KEY', apiKeyId: apiKey!.id, targetId: endpoint.id });
    expect(created.details).toMatchObject({ url: 'http://127.0.0.1:9/a', headers: { authorization: '[redacted]' } });
    expect(JSON.stringify(entries)).not.toContain('s3cret');
    expect(JSON.stringify(entries)).not.toContain('whsec_');

    await expect(acme.auditLog.list({ targetId: endpoint.id })).resolves.toMatchObject({
      items: [{ action: 'rotateEndpointSecret' }, { action: 'pauseEndpoint' }, { action: 'createEndpoint' }],
    });
    await expect(acme.auditLog.list({ action: 'pauseEndpoint' })).resolves.toMatchObject({ items: [{ targetId: endpoint.id }] });
    const page = await acme.auditLog.list({ first: 3 });
    expect(page.items.map((e) => e.id)).toEqual(entries.slice(0, 3).map((e) => e.id));
    expect(page.pageInfo.hasNextPage).toBe(true);
    await expect(acme.auditLog.list({ since: new Date(Date.now() + 60_000) })).resolves.toMatchObject({ items: [] });

    const reader = bed.sdk((await acme.apiKeys.create({ name: 'r', scopes: ['READ_ONLY'] })).token);
    await expect(reader.auditLog.list()).rejects.toBeInstanceOf(PermissionError);
  });
});

describe('operationalEvents', () => {
  it('lists what the gateway did on its own (a dead letter, a 410 disable, a recovery), filtered, and sends each to the operational endpoint', async () => {
    const flaky = await bed.receiver((_, index) => ({ status: index === 0 ? 500 : 200 }));
    const dead = await bed.receiver(() => ({ status: 503 }));
    const gone = await bed.receiver(() => ({ status: 410 }));
    const ops = await bed.receiver();
    const { acme } = await bed.tenant();
    const { endpoint: recovers } = await acme.endpoints.create({ url: flaky.url, retrySchedule: '0s,1s' });
    const { endpoint: deadLetters } = await acme.endpoints.create({ url: dead.url, retrySchedule: '0s' });
    const { endpoint: disabled } = await acme.endpoints.create({ url: gone.url });
    // A consumer of its own, so that the tenant's events do not go there: only operational events do.
    const { endpoint: opsEndpoint, secret: opsSecret } = await acme.endpoints.create({ url: ops.url, consumerId: 'ops' });
    await acme.tenants.updateSettings({ operationalEndpointId: opsEndpoint.id });

    const { event, deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });
    const recorded = await waitFor(
      () => acme.operationalEvents.list(),
      (page) => page.items.length >= 3,
      'Three operational events',
    );
    expect(recorded.items.map((e) => e.type).sort()).toEqual([
      'DELIVERY_DEAD_LETTERED',
      'ENDPOINT_DISABLED',
      'ENDPOINT_RECOVERED',
    ]);
    // The recovery comes last: it needed a retry.
    expect(recorded.items[0]).toMatchObject({ type: 'ENDPOINT_RECOVERED', endpointId: recovers.id, deliveryId: null });

    const toDead = deliveries.find((d) => d.endpoint.id === deadLetters.id)!;
    await expect(acme.operationalEvents.list({ type: 'DELIVERY_DEAD_LETTERED' })).resolves.toMatchObject({
      items: [
        {
          endpointId: deadLetters.id,
          deliveryId: toDead.id,
          message: expect.stringContaining(toDead.id),
          data: { eventId: event.id, eventType: 'invoice.paid', lastResponseStatus: 503 },
        },
      ],
    });
    await expect(acme.operationalEvents.list({ endpointId: disabled.id })).resolves.toMatchObject({
      items: [{ type: 'ENDPOINT_DISABLED', data: { reason: 'GONE' } }],
    });
    await expect(acme.endpoints.get(disabled.id)).resolves.toMatchObject({
      status: 'DISABLED',
      disabledReason: 'The endpoint answered 410 Gone.',
    });
    const iterated: string[] = [];
    for await (const e of acme.operationalEvents.iterate({ first: 1 })) iterated.push(e.id);
    expect(iterated).toEqual(recorded.items.map((e) => e.id));
    await expect(acme.operationalEvents.list({ since: new Date(Date.now() + 60_000) })).resolves.toMatchObject({ items: [] });
    await expect((await bed.tenant()).acme.operationalEvents.list()).resolves.toMatchObject({ items: [] });

    // Each one also went to the operational endpoint, signed like any webhook.
    const received = await ops.waitFor(3);
    const bodies = await Promise.all(received.map((r) => verifyWebhook<{ id: string }>(opsSecret, r.body, r.headers)));
    expect(bodies.map((b) => b.type).sort()).toEqual([
      'acme.delivery.dead_lettered',
      'acme.endpoint.disabled',
      'acme.endpoint.recovered',
    ]);
    expect(bodies.map((b) => b.data.id).sort()).toEqual(recorded.items.map((e) => e.id).sort());
  });
});

async function all(acme: AcmeWebhooks, params: Parameters<AcmeWebhooks['auditLog']['iterate']>[0]) {
  const entries = [];
  for await (const entry of acme.auditLog.iterate({ ...params, first: 2 })) entries.push(entry);
  return entries;
}
