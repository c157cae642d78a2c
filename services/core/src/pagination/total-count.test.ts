import { events } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client.ts';
import { listDeadLetters } from '../deliveries/list-dead-letters.ts';
import { listDeliveries } from '../deliveries/list-deliveries.ts';
import { listEndpoints } from '../endpoints/list-endpoints.ts';
import { listEvents } from '../events/list-events.ts';
import { publishMany, tenantWithEndpoints, testDatabase } from '../testing/fixtures.ts';
import { lazyTotalCount } from './total-count.ts';

const database = testDatabase();
afterAll(() => database.close());

/** The real database, counting the transactions opened through it (each list read or count is one). */
function countingTransactions(db: Db) {
  const counter = { transactions: 0 };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'transaction') {
        return (...args: Parameters<Db['transaction']>) => {
          counter.transactions++;
          return target.transaction(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { db: proxy, counter };
}

describe('totalCount of lists', () => {
  it('counts every match of the filter across pages, within the tenant', async () => {
    const { tenant, caller, endpoints } = await tenantWithEndpoints(database, 2);
    await publishMany(database, tenant.id, 3);
    const other = await tenantWithEndpoints(database, 1);
    await publishMany(database, other.tenant.id, 2);

    const page = await listDeliveries(database.db, caller, { first: 2 });
    expect(page.nodes).toHaveLength(2);
    expect(await page.totalCount()).toEqual({ count: 6, exact: true });
    const ofOne = await listDeliveries(database.db, caller, { first: 1, filter: { endpointId: endpoints[0]!.id } });
    expect(await ofOne.totalCount()).toEqual({ count: 3, exact: true });
    expect(await (await listEvents(database.db, caller, { first: 1 })).totalCount()).toEqual({ count: 3, exact: true });
    expect(await (await listEndpoints(database.db, caller, { first: 1 })).totalCount()).toEqual({ count: 2, exact: true });
    expect(await (await listDeadLetters(database.db, caller, {})).totalCount()).toEqual({ count: 0, exact: true });
    expect(await (await listDeliveries(database.db, other.caller, {})).totalCount()).toEqual({ count: 2, exact: true });
  });

  it('costs nothing until asked, then counts once however often it is read', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 1);
    await publishMany(database, tenant.id, 2);
    const { db, counter } = countingTransactions(database.db);
    const page = await listEvents(db, caller, {});
    expect(counter.transactions).toBe(1);
    const [first, again] = await Promise.all([page.totalCount(), page.totalCount()]);
    expect(first).toEqual({ count: 2, exact: true });
    expect(again).toBe(first);
    expect(counter.transactions).toBe(2);
  });

  it('stops counting at the cap and says the count is not exact', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    await publishMany(database, tenant.id, 3);
    const ofTenant = () => eq(events.tenantId, caller.tenantId);
    expect(await lazyTotalCount(database.db, tenant.id, events, ofTenant, { cap: 2 })()).toEqual({ count: 2, exact: false });
    expect(await lazyTotalCount(database.db, tenant.id, events, ofTenant, { cap: 3 })()).toEqual({ count: 3, exact: true });
    expect(await lazyTotalCount(database.db, tenant.id, events, ofTenant)()).toEqual({ count: 3, exact: true });
  });
});
