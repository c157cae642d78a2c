import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let receiver: Receiver;
let receiverUp = false;

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s,1s,1s,1s,1s,1s' });
  receiver = await startReceiver(() => ({ status: receiverUp ? 200 : 500, body: receiverUp ? 'ok' : 'down' }));
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

const health = async (token: string, id: string) =>
  (await gateway.graphql('query($id: ID!) { endpoint(id: $id) { health } }', { id }, token)).body.data.endpoint.health;

describe('an endpoint in trouble', () => {
  it('is probed by one workflow instead of hammered, then drained once a probe gets through', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url });

    const first = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 0 } });
    await receiver.waitFor(1);
    await waitForDelivery(gateway, tenant.token, first.deliveries[0]!.id, (d) => d.attemptCount === 1);
    expect(await health(tenant.token, endpoint.id)).toBe('RECOVERING');

    // A burst while it is down: none of it is sent; only the probe's retries reach the endpoint.
    const burst = [];
    for (let n = 1; n <= 30; n++) burst.push(await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n } }));
    await new Promise((r) => setTimeout(r, 2500));
    const whileDown = receiver.requests.length;
    // The first attempt, then one retry a second (the schedule), however long publishing the burst took.
    const downForMs = Date.now() - receiver.requests[0]!.receivedAt;
    expect(whileDown).toBeLessThanOrEqual(2 + Math.floor(downForMs / 1000));
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([first.event.id]));

    receiverUp = true;
    const all = [first, ...burst];
    for (const p of all) await waitForDelivery(gateway, tenant.token, p.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(await health(tenant.token, endpoint.id)).toBe('HEALTHY');
    // Every event arrived, and the only repeats are the probe's.
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(31);
    expect(ids.filter((id) => id !== first.event.id)).toHaveLength(30);

    // One workflow for the endpoint, not one per delivery, and it ends once the trouble is over.
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      await client.workflow.getHandle(`endpoint-${endpoint.id}`).result();
      let runs = 0;
      for await (const _ of client.workflow.list({ query: `WorkflowId = 'endpoint-${endpoint.id}'` })) runs++;
      expect(runs).toBe(1);
    } finally {
      await connection.close();
    }
  });

  it('continues as new on a long history without losing a retry or repeating one', async () => {
    const failing = await startReceiver(() => ({ status: 500 }));
    try {
      const tenant = await createTenantWithEventType(gateway);
      const { endpoint } = await createEndpoint(gateway, tenant.token, { url: failing.url, retrySchedule: '0s,2500ms,2500ms' });
      const update = 'mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) { status } }';
      await gateway.graphql(update, { id: endpoint.id, input: { status: 'PAUSED' } }, tenant.token);
      const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
      // In recovery with its delivery waiting for a probe: then its workflow, told to continue as new every 2 rounds.
      const sql = postgres(gateway.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        await sql`update endpoints set status = 'ACTIVE', health = 'RECOVERING' where id = ${endpoint.id}`;
      } finally {
        await sql.end();
      }
      const connection = await Connection.connect({ address: inject('temporalAddress') });
      try {
        const client = new Client({ connection });
        await client.workflow.start('deliverToEndpoint', {
          workflowId: `endpoint-${endpoint.id}`,
          taskQueue: gateway.env.TEMPORAL_TASK_QUEUE!,
          args: [{ endpointId: endpoint.id, maxRounds: 2 }],
        });
        const done = await waitForDelivery(
          gateway,
          tenant.token,
          published.deliveries[0]!.id,
          (d) => d.status === 'DEAD_LETTERED',
        );
        expect(done.attempts.map((a: { attemptNumber: number; path: string }) => [a.attemptNumber, a.path])).toEqual([
          [1, 'DURABLE'],
          [2, 'DURABLE'],
          [3, 'DURABLE'],
        ]);
        expect(failing.requests).toHaveLength(3);
        let runs = 0;
        for await (const _ of client.workflow.list({ query: `WorkflowId = 'endpoint-${endpoint.id}'` })) runs++;
        expect(runs).toBeGreaterThanOrEqual(2);
      } finally {
        await connection.close();
      }
    } finally {
      await failing.close();
    }
  });
});
