// The fast path's writes as seen from outside: failing_since cleared by a success, and deliveries
// cancelled (or cancelled and replayed) while their first attempt is in flight.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveries, deliveryAttempts, endpoints } from '@acme/schema/db';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { replayDelivery } from '../deliveries/replay-deliveries.ts';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { updateEndpoint } from '../endpoints/update-endpoint.ts';
import { expungeEventPayload } from '../events/expunge-event-payload.ts';
import { eventually } from '../testing/eventually.ts';
import { isolatedTestDatabase, publishMany, tenantWithEndpoints, testEngine, testSettings } from '../testing/fixtures.ts';
import { attemptDeliveries } from './attempt-deliveries.ts';
import { claimFirstAttempts } from './claim-first-attempts.ts';
import type { DeliveryEngine } from './delivery-engine.ts';

let database: Database;
let engine: DeliveryEngine;
let server: Server;
/** While set, requests wait here until the test answers them. */
let hold: ServerResponse[] | null = null;

beforeAll(async () => {
  database = await isolatedTestDatabase();
  engine = testEngine(database);
  server = createServer((req, res) => {
    req.resume().on('end', () => {
      if (hold) hold.push(res);
      else res.writeHead(req.url?.endsWith('/fail') ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await engine?.client.close();
  await database?.close();
});

const receiverUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

async function claimOwn(endpointId: string) {
  const claimed = await claimFirstAttempts(database.sql, { owner: `t-${endpointId}`, limit: 100, leaseMs: 60_000 });
  return claimed.filter((d) => d.endpoint.id === endpointId);
}

const deliveryRow = async (id: string) => (await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
const attemptsOf = (id: string) =>
  database.db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, id))
    .orderBy(asc(deliveryAttempts.attemptNumber));

describe('the fast path', () => {
  it('clears the failing_since of an endpoint that answered, not of one that failed again', async () => {
    const {
      tenant,
      caller,
      endpoints: [answers],
    } = await tenantWithEndpoints(database, 1, receiverUrl());
    const { endpoint: fails } = await createEndpoint(database.db, testSettings, caller, { url: `${receiverUrl()}/fail` });
    const ids = [answers!.id, fails.id];
    await database.db.update(endpoints).set({ failingSince: sql`now() - interval '2 hours'` }).where(inArray(endpoints.id, ids));
    await publishMany(database, tenant.id, 1);
    const claimed = (await claimFirstAttempts(database.sql, { owner: 'fs', limit: 100, leaseMs: 60_000 })).filter((d) =>
      ids.includes(d.endpoint.id),
    );
    expect(claimed).toHaveLength(2);
    const outcomes = await attemptDeliveries(engine, claimed, 'FAST');
    expect(new Map(outcomes.map((o) => [o.endpointId, o.status]))).toEqual(
      new Map([
        [answers!.id, 'SUCCEEDED'],
        [fails.id, 'RETRY_SCHEDULED'],
      ]),
    );
    const rows = await database.db.select().from(endpoints).where(inArray(endpoints.id, ids));
    const failingSince = new Map(rows.map((r) => [r.id, r.failingSince]));
    expect(failingSince.get(answers!.id)).toBeNull();
    expect(failingSince.get(fails.id)).toBeInstanceOf(Date);
  });

  it('leaves a delivery cancelled while its attempt was in flight CANCELLED, with the attempt logged and counted', async () => {
    const {
      tenant,
      caller,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1, receiverUrl());
    const [published] = await publishMany(database, tenant.id, 1);
    const claimed = await claimOwn(endpoint!.id);
    expect(claimed).toHaveLength(1);
    hold = [];
    const held = hold;
    const inFlight = attemptDeliveries(engine, claimed, 'FAST');
    await eventually(() => held.length === 1, 'the attempt to reach the receiver');
    await expungeEventPayload(database.db, caller, published!.event.id);
    hold = null;
    held[0]!.writeHead(200).end('ok');

    expect(await inFlight).toEqual([]);
    const delivery = await deliveryRow(claimed[0]!.id);
    expect(delivery).toMatchObject({ status: 'CANCELLED', cancelReason: 'PAYLOAD_EXPUNGED', attemptCount: 1, leaseOwner: null });
    expect(delivery.completedAt).toBeInstanceOf(Date);
    expect((await attemptsOf(delivery.id)).map((a) => [a.attemptNumber, a.outcome])).toEqual([[1, 'SUCCESS']]);
  });

  it('logs the attempt in flight of a delivery cancelled and replayed meanwhile, and leaves the replay to be sent', async () => {
    const {
      tenant,
      caller,
      endpoints: [endpoint],
    } = await tenantWithEndpoints(database, 1, receiverUrl());
    await publishMany(database, tenant.id, 1);
    const claimed = await claimOwn(endpoint!.id);
    hold = [];
    const held = hold;
    const inFlight = attemptDeliveries(engine, claimed, 'FAST');
    await eventually(() => held.length === 1, 'the attempt to reach the receiver');
    await updateEndpoint(database.db, testSettings, caller, endpoint!.id, { status: 'DISABLED' });
    expect(await deliveryRow(claimed[0]!.id)).toMatchObject({ status: 'CANCELLED', cancelReason: 'ENDPOINT_DISABLED' });
    await updateEndpoint(database.db, testSettings, caller, endpoint!.id, { status: 'ACTIVE' });
    const replayed = await replayDelivery(database.db, caller, claimed[0]!.id);
    expect(replayed).toMatchObject({ status: 'PENDING', handler: 'WORKFLOW', cancelReason: null });
    hold = null;
    held[0]!.writeHead(200).end('ok');
    await inFlight;

    const delivery = await deliveryRow(claimed[0]!.id);
    const attempts = await attemptsOf(delivery.id);
    // The attempt in flight belonged to a claim the replay ended: it is logged and counted, but the
    // replay (an explicit "send it again") is not answered by it; the workflow sends it next.
    expect(attempts.map((a) => [a.attemptNumber, a.outcome])).toEqual([[1, 'SUCCESS']]);
    expect(delivery.attemptCount).toBe(attempts.length);
    expect(delivery).toMatchObject({ status: 'PENDING', handler: 'WORKFLOW', leaseOwner: null, completedAt: null });
  });
});
