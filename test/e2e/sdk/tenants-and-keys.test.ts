// acme.tenants.* (the operator's, and a tenant's own settings) and acme.apiKeys.* through the SDK
// against a real gateway (API + worker, real Postgres and Temporal, receivers on loopback).
import {
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  type Tenant,
} from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { sdkTestBed, waitForDelivery } from './sdk-support.ts';

const bed = sdkTestBed();
const GATEWAY_LIMITS = { publishRatePerSecond: 2000, publishBurst: 4000, maxPayloadBytes: 262_144 };

describe('tenants (operator)', () => {
  it('creates a tenant with its limits and first key, whose token works at once', async () => {
    const admin = bed.operator();
    const { tenant, apiKey } = await admin.tenants.create({
      name: 'Globex',
      retrySchedule: '0s,1m',
      limits: { publishRatePerSecond: 50 },
    });
    expect(tenant).toMatchObject({
      id: expect.stringMatching(/^tnt_/),
      name: 'Globex',
      status: 'ACTIVE',
      retrySchedule: '0s,1m',
      // What the operator set, and the gateway's defaults for the rest.
      limits: { ...GATEWAY_LIMITS, publishRatePerSecond: 50 },
      operationalEndpointId: null,
      suspendedAt: null,
    });
    expect(apiKey).toMatchObject({ name: 'Default key', scopes: ['FULL_ACCESS'], token: expect.stringMatching(/^acme_sk_/) });
    expect(apiKey.token.startsWith(apiKey.prefix)).toBe(true);

    const acme = bed.sdk(apiKey.token);
    await expect(acme.viewer()).resolves.toMatchObject({
      isOperator: false,
      tenant: { id: tenant.id, name: 'Globex', status: 'ACTIVE' },
      apiKey: { id: apiKey.id, name: 'Default key', prefix: apiKey.prefix, scopes: ['FULL_ACCESS'], revokedAt: null },
    });
    await expect(admin.tenants.create({ name: '  ' })).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'name' });
    const badSchedule = await admin.tenants.create({ name: 'x', retrySchedule: 'soon' }).catch((e) => e);
    expect(badSchedule).toBeInstanceOf(InvalidRequestError);
    expect(badSchedule.field).toBe('retrySchedule');
  });

  it('lists tenants newest first, filtered by name and status, and iterates across pages', async () => {
    const admin = bed.operator();
    const created: Tenant[] = [];
    for (const name of ['Paging One', 'Paging Two', 'Paging Three', 'Paging Four', 'Paging Five'])
      created.push((await admin.tenants.create({ name })).tenant);
    const newestFirst = created.map((t) => t.id).reverse();

    const page = await admin.tenants.list({ search: 'paging', first: 2 });
    expect(page.items.map((t) => t.id)).toEqual(newestFirst.slice(0, 2));
    expect(page.pageInfo.hasNextPage).toBe(true);
    const iterated: string[] = [];
    for await (const tenant of admin.tenants.iterate({ search: 'PAGING', first: 2 })) iterated.push(tenant.id);
    expect(iterated).toEqual(newestFirst);

    await admin.tenants.suspend(created[1]!.id);
    await expect(admin.tenants.list({ search: 'paging', status: 'SUSPENDED' })).resolves.toMatchObject({
      items: [{ id: created[1]!.id, status: 'SUSPENDED' }],
    });
    // Every tenant of the gateway, this file's others included.
    const everyone: string[] = [];
    for await (const tenant of admin.tenants.iterate({ first: 3 })) everyone.push(tenant.id);
    expect(everyone).toEqual(expect.arrayContaining(newestFirst));
    expect(new Set(everyone).size).toBe(everyone.length);
  });

  it('gets and updates a tenant: its name, limits (null returns to the default) and retry schedule, in force at once', async () => {
    const admin = bed.operator();
    const { acme, tenantId } = await bed.tenant();
    await expect(admin.tenants.get(tenantId)).resolves.toMatchObject({ id: tenantId, limits: GATEWAY_LIMITS });

    const updated = await admin.tenants.update(tenantId, {
      name: 'Renamed',
      retrySchedule: '0s',
      limits: { maxPayloadBytes: 1024 },
    });
    expect(updated).toMatchObject({ id: tenantId, name: 'Renamed', retrySchedule: '0s', limits: { maxPayloadBytes: 1024 } });
    await expect(admin.tenants.get(tenantId)).resolves.toEqual(updated);
    const tooBig = await acme.events.publish({ eventType: 'invoice.paid', payload: { text: 'x'.repeat(2000) } }).catch((e) => e);
    expect(tooBig).toBeInstanceOf(PayloadTooLargeError);

    const reset = await admin.tenants.update(tenantId, { limits: { maxPayloadBytes: null } });
    expect(reset.limits).toEqual(GATEWAY_LIMITS);
    await expect(acme.events.publish({ eventType: 'invoice.paid', payload: { text: 'x'.repeat(2000) } })).resolves.toBeTruthy();

    await expect(admin.tenants.get('tnt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).rejects.toBeInstanceOf(NotFoundError);
    await expect(admin.tenants.update('tnt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S', { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('suspends a tenant, whose keys then fail with AuthenticationError, and reactivates it', async () => {
    const admin = bed.operator();
    const { acme, tenantId } = await bed.tenant();
    const suspended = await admin.tenants.suspend(tenantId);
    expect(suspended).toMatchObject({ id: tenantId, status: 'SUSPENDED', suspendedAt: expect.any(String) });
    const refused = await acme.viewer().catch((e) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });

    await expect(admin.tenants.reactivate(tenantId)).resolves.toMatchObject({ status: 'ACTIVE', suspendedAt: null });
    await expect(acme.viewer()).resolves.toMatchObject({ tenant: { id: tenantId, status: 'ACTIVE' } });
    await expect(admin.tenants.suspend('tnt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses every operator call from a tenant key with PermissionError', async () => {
    const { acme, tenantId } = await bed.tenant();
    for (const call of [
      () => acme.tenants.create({ name: 'Not allowed' }),
      () => acme.tenants.list(),
      () => acme.tenants.get(tenantId),
      () => acme.tenants.update(tenantId, { name: 'x' }),
      () => acme.tenants.suspend(tenantId),
      () => acme.tenants.reactivate(tenantId),
    ])
      await expect(call()).rejects.toMatchObject({ name: 'PermissionError', code: 'FORBIDDEN', status: 403 });
  });
});

describe('tenants.updateSettings (tenant key)', () => {
  it('sets the tenant’s own retry schedule, in force for its next deliveries, and its operational endpoint', async () => {
    const failing = await bed.receiver(() => ({ status: 500 }));
    const { acme, tenantId } = await bed.tenant();
    const { endpoint } = await acme.endpoints.create({ url: failing.url });

    const settled = await acme.tenants.updateSettings({ retrySchedule: '0s', operationalEndpointId: endpoint.id });
    expect(settled).toMatchObject({ id: tenantId, retrySchedule: '0s', operationalEndpointId: endpoint.id });
    // One attempt in the schedule: the first failure dead-letters (the default would retry in 5 s).
    const { deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: {} });
    await expect(waitForDelivery(acme, deliveries[0]!.id, (d) => d.status !== 'PENDING')).resolves.toMatchObject({
      status: 'DEAD_LETTERED',
      attemptCount: 1,
    });

    // Only what is given changes; '' returns to the gateway's schedule, null stops operational events.
    await expect(acme.tenants.updateSettings({ operationalEndpointId: null })).resolves.toMatchObject({
      retrySchedule: '0s',
      operationalEndpointId: null,
    });
    await expect(acme.tenants.updateSettings({ retrySchedule: '' })).resolves.toMatchObject({ retrySchedule: null });
    await expect(acme.tenants.updateSettings({ retrySchedule: 'often' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'retrySchedule',
    });
    const other = await bed.tenant();
    const { endpoint: theirs } = await other.acme.endpoints.create({ url: failing.url });
    await expect(acme.tenants.updateSettings({ operationalEndpointId: theirs.id })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'operationalEndpointId',
    });
    await expect(bed.operator().tenants.updateSettings({ retrySchedule: '0s' })).rejects.toBeInstanceOf(PermissionError);
  });
});

describe('apiKeys', () => {
  it('creates a scoped key shown once, that acts with its scopes only, and names itself in viewer()', async () => {
    const { acme, tenantId } = await bed.tenant();
    const { apiKey, token } = await acme.apiKeys.create({ name: 'reporting', scopes: ['READ_ONLY'] });
    expect(apiKey).toMatchObject({ name: 'reporting', scopes: ['READ_ONLY'], revokedAt: null, lastUsedAt: null });
    expect(token.startsWith(apiKey.prefix)).toBe(true);

    const reader = bed.sdk(token);
    await expect(reader.viewer()).resolves.toEqual({
      isOperator: false,
      tenant: { id: tenantId, name: 'Test tenant', status: 'ACTIVE' },
      apiKey: { ...apiKey, lastUsedAt: expect.any(String) },
      scopes: ['READ_ONLY'],
      consumerId: null,
    });
    await expect(reader.endpoints.list()).resolves.toMatchObject({ items: [] });
    await expect(reader.endpoints.create({ url: 'http://127.0.0.1:9/x' })).rejects.toBeInstanceOf(PermissionError);
    await expect(reader.events.publish({ eventType: 'invoice.paid', payload: {} })).rejects.toBeInstanceOf(PermissionError);

    const publisher = bed.sdk((await acme.apiKeys.create({ name: 'backend', scopes: ['PUBLISH_ONLY'] })).token);
    await expect(publisher.events.publish({ eventType: 'invoice.paid', payload: {} })).resolves.toBeTruthy();
    await expect(publisher.endpoints.list()).rejects.toBeInstanceOf(PermissionError);

    const expiring = await acme.apiKeys.create({
      name: 'temp',
      scopes: ['FULL_ACCESS'],
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(Date.parse(expiring.apiKey.expiresAt!)).toBeGreaterThan(Date.now());
    await expect(acme.apiKeys.create({ name: 'portal', scopes: ['PORTAL'] })).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('lists and iterates keys newest first, revoked ones only when asked', async () => {
    const { acme } = await bed.tenant();
    const made = [];
    for (const name of ['k1', 'k2', 'k3']) made.push((await acme.apiKeys.create({ name, scopes: ['READ_ONLY'] })).apiKey);
    const page = await acme.apiKeys.list({ first: 2 });
    expect(page.items.map((k) => k.name)).toEqual(['k3', 'k2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const names: string[] = [];
    for await (const key of acme.apiKeys.iterate({ first: 2 })) names.push(key.name);
    expect(names).toEqual(['k3', 'k2', 'k1', 'Default key']);

    await acme.apiKeys.revoke(made[1]!.id);
    await expect(acme.apiKeys.list()).resolves.toMatchObject({
      items: [{ name: 'k3' }, { name: 'k1' }, { name: 'Default key' }],
    });
    const withRevoked: string[] = [];
    for await (const key of acme.apiKeys.iterate({ includeRevoked: true, first: 3 })) withRevoked.push(key.name);
    expect(withRevoked).toEqual(['k3', 'k2', 'k1', 'Default key']);
  });

  it('revokes a key at once: it then gets AuthenticationError, and cannot be revoked by another tenant', async () => {
    const { acme } = await bed.tenant();
    const { apiKey, token } = await acme.apiKeys.create({ name: 'leaked', scopes: ['FULL_ACCESS'] });
    const leaked = bed.sdk(token);
    await expect(leaked.viewer()).resolves.toMatchObject({ apiKey: { id: apiKey.id } });

    const other = await bed.tenant();
    await expect(other.acme.apiKeys.revoke(apiKey.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(leaked.viewer()).resolves.toMatchObject({ apiKey: { id: apiKey.id } });

    const revoked = await acme.apiKeys.revoke(apiKey.id);
    expect(revoked).toMatchObject({ id: apiKey.id, revokedAt: expect.any(String) });
    const refused = await leaked.endpoints.list().catch((e) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await expect(leaked.viewer()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('lets the operator create a key for a tenant and revoke it', async () => {
    const admin = bed.operator();
    const { tenantId } = await bed.tenant();
    const { apiKey, token } = await admin.apiKeys.create({ name: 'ops', scopes: ['PUBLISH_ONLY'], tenantId });
    await expect(bed.sdk(token).viewer()).resolves.toMatchObject({ tenant: { id: tenantId }, scopes: ['PUBLISH_ONLY'] });
    await expect(admin.apiKeys.create({ name: 'ops', scopes: ['READ_ONLY'] })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      field: 'tenantId',
    });
    await admin.apiKeys.revoke(apiKey.id);
    await expect(bed.sdk(token).viewer()).rejects.toBeInstanceOf(AuthenticationError);
  });
});
