import { auditLog } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { operatorCaller } from '../auth/principal.ts';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createApiKey } from './create-api-key.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('createApiKey', () => {
  it('creates a key with the scopes asked for, shows its token once, and audits it without the token', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const { apiKey, token } = await createApiKey(database.db, caller, { name: 'CI', scopes: ['PUBLISH_ONLY', 'PUBLISH_ONLY'] });
    expect(apiKey).toMatchObject({ name: 'CI', scopes: ['PUBLISH_ONLY'], prefix: token.slice(0, 14), revokedAt: null });
    expect(apiKey).not.toHaveProperty('hash');
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'createApiKey')));
    expect(entry).toMatchObject({
      actorKind: 'API_KEY',
      targetId: apiKey.id,
      details: { name: 'CI', scopes: ['PUBLISH_ONLY', 'PUBLISH_ONLY'] },
    });
    expect(JSON.stringify(entry)).not.toContain(token);
  });

  it.each([
    ['no scopes', { name: 'x', scopes: [] }],
    ['the PORTAL scope', { name: 'x', scopes: ['PORTAL'] }],
    ['an expiry in the past', { name: 'x', scopes: ['READ_ONLY'], expiresAt: new Date(Date.now() - 1000) }],
    ['no name', { name: '', scopes: ['READ_ONLY'] }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(createApiKey(database.db, caller, input as never)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('lets the operator create a key for a tenant, and answers NOT_FOUND for an unknown tenant', async () => {
    const { tenant } = await tenantWithEndpoints(database, 0);
    const { apiKey } = await createApiKey(database.db, operatorCaller(tenant.id), { name: 'ops', scopes: ['READ_ONLY'] });
    expect(apiKey.tenantId).toBe(tenant.id);
    await expect(
      createApiKey(database.db, operatorCaller('tnt_01JD3Z6Y8K6Q2W0X5V9N4T7R1S'), { name: 'x', scopes: ['READ_ONLY'] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
