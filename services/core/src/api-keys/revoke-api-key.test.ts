import { afterAll, describe, expect, it } from 'vitest';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createApiKey } from './create-api-key.ts';
import { listApiKeys } from './list-api-keys.ts';
import { revokeApiKey, revokeApiKeyAsOperator } from './revoke-api-key.ts';

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
    expect((await revokeApiKeyAsOperator(database.db, apiKey.id)).revokedAt).toBeInstanceOf(Date);
    await expect(revokeApiKeyAsOperator(database.db, 'key_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
