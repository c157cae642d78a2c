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
import { Dispatcher } from '@acme/worker';
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

function dispatcher(): Dispatcher {
  // The gateway's settings: its master key opens the endpoint secrets.
  const config = loadConfig(gateway.env);
  const engine = createDeliveryEngine(config, database, createDeliveryMetrics(createRegistry('worker')));
  // Nothing here fails, so nothing is handed to a workflow.
  return new Dispatcher(engine, async () => {}, createLogger('silent', 'test'), { leaseMs: 600_000 });
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

    const stopping = d.stop({ deadline: Date.now() + 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    for (const res of held) res.end('ok');
    expect(await stopping).toEqual({ drained: true, released: 0 });
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
