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
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLoaders } from './loaders.ts';

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
    const { tenant, apiKey } = await createTenant(database.db, { name: 'loaders' });
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
    const { tenant, apiKey } = await createTenant(database.db, { name: 'audit actors' });
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
