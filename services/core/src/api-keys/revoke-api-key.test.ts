import { afterAll, describe, expect, it } from 'vitest';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createApiKey } from './create-api-key.ts';
import { listApiKeys } from './list-api-keys.ts';
import { revokeApiKey, revokeApiKeyAs } from './revoke-api-key.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('revokeApiKey and listApiKeys', () => {
  it('revokes once (the first time is kept) and lists revoked keys only when asked', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const { apiKey } = await createApiKey(database.db, caller, { name: 'old', scopes: ['READ_ONLY'] });
    const revoked = await revokeApiKey(database.db, caller, apiKey.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await revokeApiKey(database.db, caller, apiKey.id)).revokedAt).toEqual(revoked.revokedAt);
    expect((await listApiKeys(database.db, caller, {})).nodes.map((k) => k.id)).not.toContain(apiKey.id);
    expect((await listApiKeys(database.db, caller, { includeRevoked: true })).nodes.map((k) => k.id)).toContain(apiKey.id);
  });

  it("answers NOT_FOUND for another tenant's key, which stays valid; the operator may revoke any", async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 0);
    const { apiKey } = await createApiKey(database.db, b.caller, { name: 'b', scopes: ['READ_ONLY'] });
    await expect(revokeApiKey(database.db, a.caller, apiKey.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await listApiKeys(database.db, b.caller, {})).nodes.map((k) => k.id)).toContain(apiKey.id);
    expect((await revokeApiKeyAs(database.db, { kind: 'operator' }, apiKey.id)).revokedAt).toBeInstanceOf(Date);
    await expect(revokeApiKeyAs(database.db, { kind: 'operator' }, 'key_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("revokes as the calling key: its own tenant's only, and only with manage access", async () => {
    const a = await tenantWithEndpoints(database, 0);
    const b = await tenantWithEndpoints(database, 0);
    const { apiKey: own } = await createApiKey(database.db, a.caller, { name: 'own', scopes: ['READ_ONLY'] });
    const { apiKey: other } = await createApiKey(database.db, b.caller, { name: 'other', scopes: ['READ_ONLY'] });
    const key = (tenantId: string, scopes: ('FULL_ACCESS' | 'READ_ONLY')[]) =>
      ({ kind: 'tenant', tenantId, apiKeyId: 'key_x', scopes, consumerId: null, limits: a.caller.limits }) as const;
    await expect(revokeApiKeyAs(database.db, key(a.tenant.id, ['READ_ONLY']), own.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(revokeApiKeyAs(database.db, key(a.tenant.id, ['FULL_ACCESS']), other.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(revokeApiKeyAs(database.db, null, own.id)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await revokeApiKeyAs(database.db, key(a.tenant.id, ['FULL_ACCESS']), own.id)).revokedAt).toBeInstanceOf(Date);
  });
});
