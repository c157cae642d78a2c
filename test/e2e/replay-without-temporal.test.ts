import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';

// The API hands replayed deliveries to Temporal; with its Temporal unreachable (here: a port that
// accepts connections and never answers, the slowest kind of outage), a replay must still answer at
// once, and the worker's sweep must deliver what the API could not hand over.
const ENDPOINTS = 60;
const EVENTS = 5;
let blackhole: Server;
const held = new Set<Socket>();
let gateway: TestGateway;
let receiver: Receiver;
let healed = false;

beforeAll(async () => {
  blackhole = createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
  const deadTemporal = `127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
  receiver = await startReceiver(() => ({ status: healed ? 200 : 500 }));
  gateway = await startTestGateway(
    // One attempt: every failed first attempt is a dead letter at once, with no workflow involved.
    { TEMPORAL_ADDRESS: deadTemporal, DELIVERY_RETRY_SCHEDULE: '0s' },
    { workerOverrides: { TEMPORAL_ADDRESS: inject('temporalAddress') } },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
  for (const s of held) s.destroy();
  await new Promise((r) => blackhole?.close(r));
});

const countOf = async (token: string, query: string) => {
  const result = await gateway.graphql(query, {}, token);
  expect(result.body.errors).toBeUndefined();
  return result.body.data as Record<string, { totalCount: number }>;
};

describe('replaying dead letters while the API cannot reach Temporal', () => {
  it('answers within seconds, and the sweep delivers every replayed delivery', async () => {
    const tenant = await createTenantWithEventType(gateway);
    for (let i = 0; i < ENDPOINTS; i++) await createEndpoint(gateway, tenant.token, { url: `${receiver.url}/e${i}` });
    for (let i = 0; i < EVENTS; i++) await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } });
    const total = ENDPOINTS * EVENTS;
    await eventually(
      async () => (await countOf(tenant.token, '{ deadLetters(first: 1) { totalCount } }')).deadLetters!.totalCount === total,
      `${total} dead letters`,
      60_000,
    );

    healed = true;
    const started = performance.now();
    const replayed = await gateway.graphql(
      'mutation { replayDeadLetters { replayedCount remainingCount deliveryIds } }',
      {},
      tenant.token,
    );
    const answeredInMs = performance.now() - started;
    expect(replayed.body.errors).toBeUndefined();
    expect(replayed.body.data.replayDeadLetters).toMatchObject({ replayedCount: total, remainingCount: 0 });
    // Handing each endpoint over in turn took 3 s per eight endpoints (the connect timeout): ~25 s here.
    expect(answeredInMs).toBeLessThan(8000);

    await eventually(
      async () =>
        (await countOf(tenant.token, '{ deliveries(first: 1, filter: { status: SUCCEEDED }) { totalCount } }')).deliveries!
          .totalCount === total,
      `the ${total} replayed deliveries delivered by the sweep`,
      90_000,
    );
    expect(receiver.requests.filter((r) => r.body.length > 0)).toHaveLength(2 * total);
  });
});
