import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveryAttempts } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { isolatedTestDatabase, publishMany, tenantWithEndpoints, testEngine, testSettings } from '../testing/fixtures.ts';
import { attemptDeliveries } from './attempt-deliveries.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import type { DeliveryEngine } from './delivery-engine.ts';

let database: Database;
let engine: DeliveryEngine;
let server: Server;
const received: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  database = await isolatedTestDatabase();
  engine = testEngine(database);
  server = createServer((req, res) => {
    received.push(req.headers);
    req.resume().on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await engine?.client.close();
  await database?.close();
});

describe('attemptDeliveries', () => {
  it("sends the endpoint's custom headers but logs only their names", async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await createEndpoint(database.db, testSettings, caller, {
      url,
      headers: { Authorization: 'Bearer receiver-credential', 'X-Tag': 'plain' },
    });
    await publishMany(database, tenant.id, 1);
    const claimed = await claimFirstAttempts(database.sql, { owner: 't', limit: 10, leaseMs: 60_000 });
    expect(claimed).toHaveLength(1);

    const [outcome] = await attemptDeliveries(engine, claimed, 'FAST');
    expect(outcome).toMatchObject({ status: 'SUCCEEDED' });
    expect(received.at(-1)).toMatchObject({ authorization: 'Bearer receiver-credential', 'x-tag': 'plain' });

    const [attempt] = await database.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, claimed[0]!.id));
    expect(attempt!.requestHeaders).toMatchObject({
      authorization: '[redacted]',
      'x-tag': '[redacted]',
      'webhook-signature': '[redacted]',
      'content-type': 'application/json',
      'webhook-id': claimed[0]!.message.eventId,
    });
    expect(JSON.stringify(attempt!.requestHeaders)).not.toContain('receiver-credential');
  });
});
