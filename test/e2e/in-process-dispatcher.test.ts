import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  connectDatabase,
  createDeliveryEngine,
  createDeliveryMetrics,
  createLogger,
  createRegistry,
  type Database,
  loadConfig,
} from '@acme/core';
import { Dispatcher, type DispatcherOptions } from '@acme/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { createTestDatabase, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';

// A dispatcher in this process, on a database of its own (a dispatcher claims whatever is due): what
// Dispatcher.stop() waits for before it releases what it holds, and a result Postgres refuses for good,
// which must not hold the results written with it, nor the writes after it.

let gateway: TestGateway;
let database: Database;
const servers: Server[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  gateway = await startTestGateway({}, { worker: false, databaseUrl });
  database = connectDatabase(databaseUrl, { max: 4 });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await gateway?.stop();
  await database?.close();
});

/** A receiver that holds every request until the test answers it. */
async function holdingReceiver(): Promise<{ held: ServerResponse[]; url: string }> {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => req.resume().on('end', () => held.push(res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { held, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

function dispatcher(options: Partial<DispatcherOptions> = {}): Dispatcher {
  // The gateway's settings: its master key opens the endpoint secrets.
  const config = loadConfig(gateway.env);
  const engine = createDeliveryEngine(config, database, createDeliveryMetrics(createRegistry('worker')));
  // Nothing here fails, so nothing is handed to a workflow.
  return new Dispatcher(engine, async () => {}, createLogger('silent', 'test'), { leaseMs: 600_000, ...options });
}

describe('Dispatcher.stop', () => {
  it('waits for the results of attempts that finish as it stops to be written, so it has nothing to release', async () => {
    // The receiver holds every request; once the stop is waiting, it answers all five at the same
    // moment, so their results come back together while nothing else is being written.
    const { held, url } = await holdingReceiver();
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url });
    for (let i = 0; i < 5; i++) await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } });
    const d = dispatcher();
    await d.start();
    await eventually(async () => held.length === 5, 'all five attempts at the receiver', 30_000);
    const claimSessions = await database.sql`
      select application_name, query like '%relaxed as materialized%' as claim from pg_stat_activity
       where application_name = 'acme-webhooks-claims'`;

    const stopping = d.stop({ deadline: Date.now() + 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    for (const res of held) res.end('ok');
    expect(await stopping).toEqual({ drained: true, released: 0 });
    // It claimed in its claim session (planned for the claim: CLAIM_SESSION_SETTINGS), which it closed.
    expect(claimSessions).toContainEqual({ application_name: 'acme-webhooks-claims', claim: true });
    await eventually(
      async () =>
        (await database.sql`select 1 from pg_stat_activity where application_name = 'acme-webhooks-claims'`).length === 0,
      'the claim session closed',
    );
    expect(await database.sql`select status, attempt_count, lease_owner from deliveries`).toEqual(
      Array(5).fill({ status: 'SUCCEEDED', attempt_count: 1, lease_owner: null }),
    );
  });
});

describe('a batch of results with one the database refuses', () => {
  it('writes the others at once, one by one, instead of retrying the batch until the lease runs out', async () => {
    const { held, url } = await holdingReceiver();
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).deliveries[0]!.id);

    // Its lease is far longer than the test: only the fallback can get the other two written in time.
    const d = dispatcher();
    await d.start();
    try {
      await eventually(async () => held.length === 3, 'all three attempts in flight');
      // One delivery is deleted while its attempt is in flight: its attempt row can no longer be written.
      await database.sql`delete from deliveries where id = ${ids[0]!}`;
      for (const res of held) res.end('ok');
      await eventually(async () => {
        const rows = await database.sql<{ status: string }[]>`select status from deliveries where id = any(${ids.slice(1)})`;
        return rows.length === 2 && rows.every((r) => r.status === 'SUCCEEDED');
      }, 'the other two recorded');
      expect(
        await database.sql`select delivery_id from delivery_attempts where delivery_id = any(${ids}) order by delivery_id`,
      ).toEqual(
        ids
          .slice(1)
          .sort()
          .map((id) => ({ delivery_id: id })),
      );
    } finally {
      await d.stop({ deadline: Date.now() + 5000 });
    }
  });
});

describe('an endpoint whose signing secrets do not open', () => {
  it('waits, unsent, without holding back the endpoints it shares a claim with, and goes out once they open', async () => {
    const good = await holdingReceiver();
    const bad = await holdingReceiver();
    const tenant = await createTenantWithEventType(gateway);
    const goodEndpoint = await createEndpoint(gateway, tenant.token, { url: good.url });
    const badEndpoint = await createEndpoint(gateway, tenant.token, { url: bad.url });
    // Another endpoint's ciphertext: sealed for that endpoint, it does not open for this one.
    const [original] = await database.sql<{ ciphertext: string }[]>`
      select ciphertext from endpoint_secrets where endpoint_id = ${badEndpoint.endpoint.id}`;
    await database.sql`
      update endpoint_secrets set ciphertext = (select ciphertext from endpoint_secrets where endpoint_id = ${goodEndpoint.endpoint.id})
       where endpoint_id = ${badEndpoint.endpoint.id}`;
    // Each event goes to both endpoints: one claim takes the deliveries of both.
    for (let i = 0; i < 3; i++) await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } });

    const d = dispatcher({ unopenedSecretsBackoffMs: 5000 });
    await d.start();
    try {
      await eventually(async () => good.held.length === 3, "the other endpoint's three attempts");
      // Given back unsent, for a dispatcher whose keys open them. xmin: any claim since would show.
      const rows = () => database.sql<{ version: string; lease_owner: string | null; attempt_count: number }[]>`
        select xmin::text as version, lease_owner, attempt_count from deliveries
         where endpoint_id = ${badEndpoint.endpoint.id} order by id`;
      await eventually(async () => (await rows()).every((r) => r.lease_owner === null), 'its claims given back');
      const before = await rows();
      expect(before.map((r) => r.attempt_count)).toEqual([0, 0, 0]);
      // Polls come every second: none claims them again while the endpoint is left out.
      await new Promise((r) => setTimeout(r, 2000));
      expect(await rows()).toEqual(before);
      expect(bad.held).toHaveLength(0);

      await database.sql`update endpoint_secrets set ciphertext = ${original!.ciphertext} where endpoint_id = ${badEndpoint.endpoint.id}`;
      await eventually(async () => bad.held.length === 3, 'its three attempts, once its secret opens', 30_000);
      for (const res of [...good.held, ...bad.held]) res.end('ok');
      await eventually(async () => {
        const rows = await database.sql<{ status: string }[]>`
          select status from deliveries where endpoint_id = any(${[goodEndpoint.endpoint.id, badEndpoint.endpoint.id]})`;
        return rows.length === 6 && rows.every((r) => r.status === 'SUCCEEDED');
      }, 'all six recorded');
    } finally {
      await d.stop({ deadline: Date.now() + 5000 });
    }
  });
});
