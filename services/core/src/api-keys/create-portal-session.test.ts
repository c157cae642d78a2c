import { afterAll, describe, expect, it } from 'vitest';
import { tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { createPortalSession } from './create-portal-session.ts';
import { listApiKeys } from './list-api-keys.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('createPortalSession', () => {
  it('returns a PORTAL token for one consumer, valid for an hour by default, with the token in the URL fragment', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const before = Date.now();
    const session = await createPortalSession(database.db, caller, 'https://hooks.example.com', { consumerId: 'cust_9' });
    expect(session.token).toMatch(/^acme_ps_/);
    expect(session.url).toBe(`https://hooks.example.com/session#${session.token}`);
    expect(session.expiresAt.getTime() - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(session.expiresAt.getTime() - before).toBeLessThanOrEqual(3600_000 + 5000);
    const [listed] = (await listApiKeys(database.db, caller, {})).nodes.filter((k) => k.consumerId === 'cust_9');
    expect(listed).toMatchObject({ scopes: ['PORTAL'], expiresAt: session.expiresAt });
  });

  it.each([
    ['a TTL under a minute', { consumerId: 'c', ttlSeconds: 10 }],
    ['a TTL over 24 hours', { consumerId: 'c', ttlSeconds: 86_401 }],
    ['no consumer', { consumerId: '' }],
  ])('refuses %s as BAD_USER_INPUT', async (_, input) => {
    const { caller } = await tenantWithEndpoints(database, 0);
    await expect(createPortalSession(database.db, caller, 'http://x', input)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
