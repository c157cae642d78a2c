import { apiKeys } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api-keys/create-api-key.ts';
import { createPortalSession } from '../api-keys/create-portal-session.ts';
import { revokeApiKey } from '../api-keys/revoke-api-key.ts';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { authenticate } from './authenticate.ts';

const database = testDatabase();
afterAll(() => database.close());
const ADMIN = 'acme_admin_test-admin-key-xxxxxxxxxxxxxxx';

describe('authenticate', () => {
  it('knows the operator key, and a tenant key with its scopes, and stamps its last use', async () => {
    expect(await authenticate(database.db, ADMIN, ADMIN)).toEqual({ kind: 'operator' });
    const { caller } = await tenantWithEndpoints(database, 0);
    const { apiKey, token } = await createApiKey(database.db, caller, { name: 'ro', scopes: ['READ_ONLY'] });
    expect(await authenticate(database.db, ADMIN, token)).toMatchObject({
      apiKeyId: apiKey.id,
      scopes: ['READ_ONLY'],
      consumerId: null,
    });
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('refuses unknown, revoked and expired keys as UNAUTHENTICATED', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(authenticate(database.db, ADMIN, 'acme_sk_nope')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const revoked = await createApiKey(database.db, caller, { name: 'r', scopes: ['FULL_ACCESS'] });
    await revokeApiKey(database.db, caller, revoked.apiKey.id);
    await expect(authenticate(database.db, ADMIN, revoked.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const expiring = await createApiKey(database.db, caller, {
      name: 'e',
      scopes: ['FULL_ACCESS'],
      expiresAt: new Date(Date.now() + 60_000),
    });
    await database.db
      .update(apiKeys)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(apiKeys.id, expiring.apiKey.id));
    await expect(authenticate(database.db, ADMIN, expiring.token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/expired/),
    });
  });

  it('gives a portal session its consumer', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const session = await createPortalSession(database.db, caller, 'https://hooks.example.com', { consumerId: 'cust_1' });
    expect(await authenticate(database.db, ADMIN, session.token)).toMatchObject({ scopes: ['PORTAL'], consumerId: 'cust_1' });
  });
});
