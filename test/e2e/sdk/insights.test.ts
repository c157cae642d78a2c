// What a tenant reads about its traffic and its account through the SDK, against a real gateway:
// acme.stats(), acme.endpoints.stats(), acme.auditLog.*, acme.operationalEvents.*.
import { type AcmeWebhooks, PermissionError } from '@acme/webhooks-sdk';
import postgres from 'postgres';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitForDelivery } from './sdk-support.ts';

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
  it('lists what the gateway did on its own, newest first, filtered by type, endpoint and time, and iterates across pages', async () => {
    const { acme, tenantId } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: 'http://127.0.0.1:9/a' });
    const { endpoint: other } = await acme.endpoints.create({ url: 'http://127.0.0.1:9/b' });
    // The worker records these as it dead-letters, disables and recovers; here they are written
    // the way it writes them, so that this test covers the read path on its own.
    const recorded = await record(tenantId, [
      { type: 'DELIVERY_DEAD_LETTERED', endpointId: endpoint.id, deliveryId: 'dlv_1', message: 'Retries ran out.' },
      { type: 'ENDPOINT_DISABLED', endpointId: endpoint.id, message: 'The endpoint answered 410 Gone.', data: { status: 410 } },
      { type: 'ENDPOINT_RECOVERED', endpointId: other.id, message: 'The endpoint answered again.' },
    ]);
    const stranger = await bed.tenant();
    await record(stranger.tenantId, [{ type: 'ENDPOINT_DISABLED', message: 'Not yours.' }]);

    const page = await acme.operationalEvents.list({ first: 2 });
    expect(page.items.map((e) => e.type)).toEqual(['ENDPOINT_RECOVERED', 'ENDPOINT_DISABLED']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.items[1]).toEqual({
      id: recorded[1],
      type: 'ENDPOINT_DISABLED',
      endpointId: endpoint.id,
      deliveryId: null,
      message: 'The endpoint answered 410 Gone.',
      data: { status: 410 },
      createdAt: expect.any(String),
    });
    const iterated: string[] = [];
    for await (const event of acme.operationalEvents.iterate({ first: 2 })) iterated.push(event.id);
    expect(iterated).toEqual([...recorded].reverse());

    await expect(acme.operationalEvents.list({ type: 'DELIVERY_DEAD_LETTERED' })).resolves.toMatchObject({
      items: [{ id: recorded[0], deliveryId: 'dlv_1', message: 'Retries ran out.' }],
    });
    const ofEndpoint = await acme.operationalEvents.list({ endpointId: endpoint.id });
    expect(ofEndpoint.items.map((e) => e.id)).toEqual([recorded[1], recorded[0]]);
    await expect(acme.operationalEvents.list({ since: new Date(Date.now() + 60_000) })).resolves.toMatchObject({ items: [] });
    await expect(stranger.acme.operationalEvents.list()).resolves.toMatchObject({ items: [{ message: 'Not yours.' }] });
  });
});

async function all(acme: AcmeWebhooks, params: Parameters<AcmeWebhooks['auditLog']['iterate']>[0]) {
  const entries = [];
  for await (const entry of acme.auditLog.iterate({ ...params, first: 2 })) entries.push(entry);
  return entries;
}

interface OperationalEventRow {
  type: 'ENDPOINT_DISABLED' | 'ENDPOINT_RECOVERED' | 'DELIVERY_DEAD_LETTERED';
  endpointId?: string;
  deliveryId?: string;
  message: string;
  data?: Record<string, unknown>;
}

/** Writes operational events into the gateway's database, one after another; returns their ids. */
async function record(tenantId: string, rows: OperationalEventRow[]): Promise<string[]> {
  const sql = postgres(bed.gateway.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const ids: string[] = [];
    for (const row of rows) {
      const id = `opev_${ulid()}`;
      await sql`insert into operational_events (id, tenant_id, type, endpoint_id, delivery_id, message, data)
        values (${id}, ${tenantId}, ${row.type}, ${row.endpointId ?? null}, ${row.deliveryId ?? null}, ${row.message},
                ${sql.json((row.data ?? {}) as never)})`;
      ids.push(id);
    }
    return ids;
  } finally {
    await sql.end();
  }
}
