import { auditLog } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { authenticate } from '../auth/authenticate.ts';
import { testDatabase } from '../testing/fixtures.ts';
import { createTenant } from './create-tenant.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('createTenant', () => {
  it('creates a tenant with its own limits and a full-access key shown once', async () => {
    const { tenant, apiKey, token } = await createTenant(database.db, {
      name: '  Acme  ',
      limits: { publishRatePerSecond: 5, maxPayloadBytes: 2048 },
    });
    expect(tenant).toMatchObject({
      name: 'Acme',
      status: 'ACTIVE',
      publishRatePerSecond: 5,
      publishBurst: null,
      maxPayloadBytes: 2048,
    });
    expect(token).toMatch(/^acme_sk_/);
    expect(apiKey.hash).not.toContain(token);
    const principal = await authenticate(database.db, 'acme_admin_not-this-one-xxxxxxxxxxxx', token);
    expect(principal).toMatchObject({
      kind: 'tenant',
      tenantId: tenant.id,
      scopes: ['FULL_ACCESS'],
      limits: { publishRatePerSecond: 5 },
    });
  });

  it("records the operator's act in the new tenant's audit log", async () => {
    const { tenant } = await createTenant(database.db, { name: 'Audited' });
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.id));
    expect(entries).toEqual([
      expect.objectContaining({ actorKind: 'OPERATOR', apiKeyId: null, action: 'createTenant', targetId: tenant.id }),
    ]);
  });

  it.each([
    ['an empty name', { name: ' ' }],
    ['a bad retry schedule', { name: 'x', retrySchedule: 'soon' }],
    ['a payload limit over 1 MiB', { name: 'x', limits: { maxPayloadBytes: 2 * 1024 * 1024 } }],
    ['a zero rate', { name: 'x', limits: { publishRatePerSecond: 0 } }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    await expect(createTenant(database.db, input)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
