import { apiKeys } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api-keys/create-api-key.ts';
import { createPortalSession } from '../api-keys/create-portal-session.ts';
import { revokeApiKey } from '../api-keys/revoke-api-key.ts';
import { suspendTenant } from '../tenants/suspend-tenant.ts';
import { updateTenant } from '../tenants/update-tenant.ts';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { AUTH_CACHE_TTL_MS, authenticate } from './authenticate.ts';

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

  it('refuses a key at once once this process revoked it or suspended its tenant, even right after using it', async () => {
    const a = await tenantWithEndpoints(database, 0);
    const key = await createApiKey(database.db, a.caller, { name: 'k', scopes: ['FULL_ACCESS'] });
    await authenticate(database.db, ADMIN, key.token);
    await revokeApiKey(database.db, a.caller, key.apiKey.id);
    await expect(authenticate(database.db, ADMIN, key.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    const b = await tenantWithEndpoints(database, 0);
    const other = await createApiKey(database.db, b.caller, { name: 'k', scopes: ['FULL_ACCESS'] });
    await authenticate(database.db, ADMIN, other.token);
    await suspendTenant(database.db, b.tenant.id);
    await expect(authenticate(database.db, ADMIN, other.token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/suspended/),
    });
  });

  it("applies a tenant's new limits from the next request", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const key = await createApiKey(database.db, caller, { name: 'k', scopes: ['FULL_ACCESS'] });
    expect(await authenticate(database.db, ADMIN, key.token)).toMatchObject({ limits: { publishBurst: null } });
    await updateTenant(database.db, tenant.id, { limits: { publishBurst: 7 } });
    expect(await authenticate(database.db, ADMIN, key.token)).toMatchObject({ limits: { publishBurst: 7 } });
  });

  it('refuses a key that expires while this process remembers it', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const key = await createApiKey(database.db, caller, {
      name: 'e',
      scopes: ['FULL_ACCESS'],
      expiresAt: new Date(Date.now() + 1000),
    });
    await authenticate(database.db, ADMIN, key.token);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(authenticate(database.db, ADMIN, key.token)).rejects.toMatchObject({
      message: expect.stringMatching(/expired/),
    });
  });

  it(`sees a revocation made by another process within ${AUTH_CACHE_TTL_MS} ms`, async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const key = await createApiKey(database.db, caller, { name: 'k', scopes: ['FULL_ACCESS'] });
    await authenticate(database.db, ADMIN, key.token);
    // As another API process would: straight to the database, this process is not told.
    await database.db.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, key.apiKey.id));
    const revokedAt = Date.now();
    let refusedAfter: number | null = null;
    // Polled: a busy machine may answer late; a cache that ignored its TTL would never refuse.
    while (refusedAfter === null && Date.now() - revokedAt < AUTH_CACHE_TTL_MS + 3000) {
      const refused = await authenticate(database.db, ADMIN, key.token).then(
        () => false,
        () => true,
      );
      if (refused) refusedAfter = Date.now() - revokedAt;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refusedAfter).not.toBeNull();
  });

  it('gives a portal session its consumer', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const session = await createPortalSession(database.db, caller, 'https://hooks.example.com', { consumerId: 'cust_1' });
    expect(await authenticate(database.db, ADMIN, session.token)).toMatchObject({ scopes: ['PORTAL'], consumerId: 'cust_1' });
  });
});
