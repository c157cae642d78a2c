import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

// Retries handed to a workflow that is no longer there (terminated here; in production also lost
// Temporal data, or a workflow that ended in a race with a pause) must not wait forever.
let gateway: TestGateway;
let receiver: Receiver;
let temporal: Connection;
let receiverUp = false;

beforeAll(async () => {
  gateway = await startTestGateway(
    { DELIVERY_RETRY_SCHEDULE: '0s,2s,2s' },
    { dispatcher: { handoffSweepIntervalMs: 500, handoffOverdueGraceMs: 2000 } },
  );
  receiver = await startReceiver(() => ({ status: receiverUp ? 200 : 500 }));
  temporal = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
  await temporal?.close();
});

describe('retries whose workflow is gone', () => {
  it('are handed to a new workflow once overdue, though marked handed off', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 1 } });
    const deliveryId = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, deliveryId, (d) => d.attemptCount === 1);

    // Once the retry is marked handed off (so the sweep of not-handed-off retries has no reason to
    // touch it), its workflow is terminated before it sends the retry.
    const db = connectTestDatabase(gateway.databaseUrl);
    try {
      await eventually(async () => {
        const [row] = await db<{ handed_off: boolean }[]>`select handed_off from deliveries where id = ${deliveryId}`;
        return row?.handed_off === true;
      }, 'the retry handed off');
    } finally {
      await db.end();
    }
    const handle = new Client({ connection: temporal }).workflow.getHandle(`endpoint-${endpoint.id}`);
    const { runId } = await handle.describe();
    await handle.terminate('test: the workflow is gone');
    receiverUp = true;

    // The sweep starts a new one, which sends the retry.
    const done = await waitForDelivery(gateway, tenant.token, deliveryId, (d) => d.status === 'SUCCEEDED', 45_000);
    expect(done.attempts.map((a: { path: string; outcome: string }) => [a.path, a.outcome])).toEqual([
      ['FAST', 'HTTP_ERROR'],
      ['DURABLE', 'SUCCESS'],
    ]);
    expect((await handle.describe()).runId).not.toBe(runId);
  });
});
