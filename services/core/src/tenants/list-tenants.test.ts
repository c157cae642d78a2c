import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../testing/fixtures.ts';
import { createTenant } from './create-tenant.ts';
import { getTenant, listTenants } from './list-tenants.ts';
import { suspendTenant } from './suspend-tenant.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('listTenants', () => {
  it('pages newest first, and filters by status and by name (with % taken literally)', async () => {
    const tag = randomUUID().slice(0, 8);
    const a = (await createTenant(database.db, { name: `${tag} alpha` })).tenant;
    const b = (await createTenant(database.db, { name: `${tag} beta 100%` })).tenant;
    const c = (await createTenant(database.db, { name: `${tag} gamma` })).tenant;
    await suspendTenant(database.db, b.id);

    const first = await listTenants(database.db, { first: 2, filter: { search: tag.toUpperCase() } });
    expect(first.nodes.map((t) => t.id)).toEqual([c.id, b.id]);
    const next = await listTenants(database.db, { first: 2, after: first.endCursor, filter: { search: tag } });
    expect(next.nodes.map((t) => t.id)).toEqual([a.id]);
    expect(next.hasNextPage).toBe(false);
    expect((await listTenants(database.db, { filter: { search: tag, status: 'SUSPENDED' } })).nodes.map((t) => t.id)).toEqual([
      b.id,
    ]);
    expect((await listTenants(database.db, { filter: { search: `${tag} beta 100%` } })).nodes.map((t) => t.id)).toEqual([b.id]);
    expect((await listTenants(database.db, { filter: { search: `${tag}%` } })).nodes).toEqual([]);
    expect(await getTenant(database.db, a.id)).toMatchObject({ id: a.id });
    expect(await getTenant(database.db, 'tnt_nope')).toBeNull();
  });

  it('refuses a page size over 100 and a cursor it did not make', async () => {
    await expect(listTenants(database.db, { first: 101 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(listTenants(database.db, { after: 'bm9wZQ' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
