import { randomBytes } from 'node:crypto';
import {
  connectDatabase,
  createApiKey,
  createEndpoint,
  createEventType,
  createPortalSession,
  createTenant,
  type Db,
  loadConfig,
  type Principal,
  PublishRateLimiter,
  publishEvent,
} from '@acme/core';
import { deliveryAttempts } from '@acme/schema/db';
import type { GraphQLResolveInfo } from 'graphql';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { GraphQLContext } from './context.ts';
import { createLoaders } from './loaders.ts';
import type { DeliveryAttemptModel, DeliveryModel, EventModel } from './models.ts';
import { deliveryAttemptFields } from './resolvers/deliveries.ts';

const config = loadConfig({
  NODE_ENV: 'test',
  DATA_DIR: inject('dataDir'),
  DATABASE_URL: inject('databaseUrl'),
  SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
  ADMIN_API_KEY: 'acme_admin_0123456789abcdefghijklmnop',
});
const database = connectDatabase(inject('databaseUrl'), { max: 2 });
afterAll(() => database.close());

/** The real database, counting the transactions opened through it (each core read is one). */
function countingTransactions(db: Db) {
  const counter = { transactions: 0 };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Db['transaction']>) => {
        counter.transactions++;
        return target.transaction(...args);
      };
    },
  });
  return { db: proxy, counter };
}

describe('the per-request loaders', () => {
  it('read the stats of every endpoint of a page in one query per window, each endpoint its own', async () => {
    const { principal, caller } = await fullAccessTenant();
    await createEventType(database.db, caller, { name: 'invoice.paid' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await createEndpoint(database.db, config, caller, { url: `http://127.0.0.1:9/${i}`, consumerId: `c${i}` })).endpoint.id,
      );
    const publishing = {
      rateLimiter: new PublishRateLimiter(),
      defaults: config.limits.tenantDefaults,
      defaultRetrySchedule: config.retrySchedule,
    };
    for (const consumerId of ['c0', 'c0', 'c1'])
      await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: {}, consumerId });

    const { db, counter } = countingTransactions(database.db);
    const loaders = createLoaders({ ...database, db }, principal);
    const since = new Date(Date.now() - 86_400_000);
    const dayStats = await Promise.all(ids.map((endpointId) => loaders.endpointStats.load({ endpointId, since, bucket: 'DAY' })));
    expect(counter.transactions).toBe(1);
    expect(dayStats.map((s) => s.counts.total)).toEqual([2, 1, 0]);
    // Another window is another query; the same window again is cached for the request.
    await Promise.all([
      ...ids.map((endpointId) => loaders.endpointStats.load({ endpointId, since, bucket: 'HOUR' })),
      loaders.endpointStats.load({ endpointId: ids[0]!, since, bucket: 'DAY' }),
    ]);
    expect(counter.transactions).toBe(2);
  });

  it("read the keys an audit log page names in one query, revoked keys included, another tenant's not at all", async () => {
    const { apiKey, principal, caller } = await fullAccessTenant('audit actors');
    const second = await createApiKey(database.db, caller, { name: 'deployer', scopes: ['READ_ONLY'] });
    await createPortalSession(database.db, caller, 'http://portal.test', { consumerId: 'globex' });
    const stranger = await createTenant(database.db, { name: 'someone else' });

    const { db, counter } = countingTransactions(database.db);
    const loaders = createLoaders({ ...database, db }, principal);
    const keys = await Promise.all([apiKey.id, second.apiKey.id, stranger.apiKey.id].map((id) => loaders.apiKey.load(id)));
    expect(counter.transactions).toBe(1);
    expect(keys.map((k) => k?.name ?? null)).toEqual([apiKey.name, 'deployer', null]);
  });
});

/** A new tenant and its first key, as the principal the loaders see and the caller core takes. */
async function fullAccessTenant(name = 'loaders') {
  const { tenant, apiKey } = await createTenant(database.db, { name });
  const principal: Principal = {
    kind: 'tenant',
    tenantId: tenant.id,
    apiKeyId: apiKey.id,
    scopes: ['FULL_ACCESS'],
    consumerId: null,
    limits: { publishRatePerSecond: null, publishBurst: null, maxPayloadBytes: null },
  };
  const caller = {
    tenantId: tenant.id,
    consumerId: null,
    actor: { kind: 'API_KEY' as const, apiKeyId: apiKey.id },
    limits: principal.limits,
  };
  return { tenant, apiKey, principal, caller };
}

/** A tenant with `endpoints` endpoints and `events` published events, each delivered to every endpoint. */
async function tenantWithDeliveries(endpoints: number, events: number) {
  const { tenant, principal, caller } = await fullAccessTenant();
  await createEventType(database.db, caller, { name: 'invoice.paid' });
  const endpointIds: string[] = [];
  for (let i = 0; i < endpoints; i++)
    endpointIds.push((await createEndpoint(database.db, config, caller, { url: `http://127.0.0.1:9/${i}` })).endpoint.id);
  const publishing = {
    rateLimiter: new PublishRateLimiter(),
    defaults: config.limits.tenantDefaults,
    defaultRetrySchedule: config.retrySchedule,
  };
  const published = [];
  for (let i = 0; i < events; i++)
    published.push(await publishEvent(database.db, publishing, caller, { eventType: 'invoice.paid', payload: { i } }));
  return { tenant, principal, endpointIds, published };
}

/** A connection of its own whose every statement is counted by the table it reads. */
function countingDatabase() {
  const statements: string[] = [];
  const counted = connectDatabase(inject('databaseUrl'), { max: 2, onQuery: (q) => statements.push(q) });
  const reads = (table: string) => statements.filter((q) => q.includes(`from "${table}"`)).length;
  return { counted, reads, reset: () => statements.splice(0) };
}

describe('the per-request loaders of nested objects', () => {
  it('read N deliveries, events, endpoints, attempts and last attempts in one query each', async () => {
    const { tenant, principal, endpointIds, published } = await tenantWithDeliveries(3, 3);
    const deliveries = published.flatMap((p) => p.deliveries);
    expect(deliveries).toHaveLength(9);
    let n = 0;
    for (const d of deliveries)
      for (const attemptNumber of [1, 2])
        await database.db.insert(deliveryAttempts).values({
          id: `att_loaders${tenant.id.slice(-8)}${n++}`,
          deliveryId: d.id,
          tenantId: tenant.id,
          attemptNumber,
          path: attemptNumber === 1 ? 'FAST' : 'DURABLE',
          startedAt: new Date(),
          durationMs: 5,
          url: 'http://127.0.0.1:9/x',
          requestHeaders: {},
          outcome: 'HTTP_ERROR',
          responseStatus: 500,
        });
    const { counted, reads, reset } = countingDatabase();
    try {
      const loaders = createLoaders(counted, principal);
      const slice = { first: 20, after: null };
      const [byId, events, endpoints, attempts, last, ofEvents] = await Promise.all([
        Promise.all(deliveries.map((d) => loaders.delivery.load(d.id))),
        Promise.all(published.map((p) => loaders.event.load(p.event.id))),
        Promise.all(endpointIds.map((id) => loaders.endpoint.load(id))),
        Promise.all(deliveries.map((d) => loaders.attempts.load({ id: d.id, ...slice }))),
        Promise.all(deliveries.map((d) => loaders.lastAttempt.load(d.id))),
        Promise.all(published.map((p) => loaders.deliveriesOfEvent.load({ id: p.event.id, ...slice }))),
      ]);
      expect(byId.map((d) => d?.id)).toEqual(deliveries.map((d) => d.id));
      expect(events.map((e) => e?.payload)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
      expect(endpoints.map((e) => e?.id)).toEqual(endpointIds);
      expect(attempts.map((list) => list.map((a) => a.attemptNumber))).toEqual(deliveries.map(() => [1, 2]));
      expect(attempts.map((list) => list[0]!.deliveryId)).toEqual(deliveries.map((d) => d.id));
      expect(last.map((a) => a?.attemptNumber)).toEqual(deliveries.map(() => 2));
      expect(ofEvents.map((list) => list.length)).toEqual([3, 3, 3]);
      // deliveries: by id, and of events (joined back to its rows); attempts: the pages and the last ones.
      expect({ deliveries: reads('deliveries'), events: reads('events'), endpoints: reads('endpoints') }).toEqual({
        deliveries: 2,
        events: 1,
        endpoints: 1,
      });
      expect(reads('delivery_attempts')).toBe(2);

      // Two slices of the same list are two queries, whatever the number of parents; repeats are cached.
      reset();
      await Promise.all([
        ...deliveries.map((d) => loaders.attempts.load({ id: d.id, first: 1, after: null })),
        ...deliveries.map((d) => loaders.attempts.load({ id: d.id, first: 1, after: '1' })),
        ...deliveries.map((d) => loaders.attempts.load({ id: d.id, ...slice })),
      ]);
      expect(reads('delivery_attempts')).toBe(2);
    } finally {
      await counted.close();
    }
  });

  it("builds an event's request body once for the request, however many attempts of its deliveries show it", async () => {
    const { principal, published } = await tenantWithDeliveries(2, 1);
    const [{ event, deliveries }] = published as [(typeof published)[number]];
    const loaders = createLoaders(database, principal);
    // JSON.stringify calls toJSON once per serialisation of the payload: the count of bodies built.
    let built = 0;
    const payload = {
      toJSON: () => {
        built++;
        return { amount: 42 };
      },
    };
    loaders.event.prime(event.id, { ...(event as EventModel), payload });
    for (const d of deliveries) loaders.delivery.prime(d.id, d as DeliveryModel);
    const context = { loaders } as unknown as GraphQLContext;
    const attempts = deliveries.flatMap((d) =>
      [1, 2, 3].map((attemptNumber) => ({ deliveryId: d.id, attemptNumber }) as DeliveryAttemptModel),
    );
    const resolve = deliveryAttemptFields.requestBody as (
      a: DeliveryAttemptModel,
      args: object,
      context: GraphQLContext,
      info: GraphQLResolveInfo,
    ) => Promise<string | null>;
    const bodies = await Promise.all(attempts.map((a) => resolve(a, {}, context, {} as GraphQLResolveInfo)));
    expect(bodies).toHaveLength(6);
    expect(new Set(bodies)).toEqual(
      new Set([JSON.stringify({ type: 'invoice.paid', timestamp: event.createdAt.toISOString(), data: { amount: 42 } })]),
    );
    expect(built).toBe(1);
  });
});
