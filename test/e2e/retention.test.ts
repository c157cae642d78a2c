import { ensureRetentionSchedule, retentionScheduleId } from '@acme/worker';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

// Retention end to end: the worker registers the schedule at start; a pass started by the schedule
// runs the enforceRetention workflow on the real Temporal server, whose activity deletes in batches.
// A tiny period (seconds) stands in for 30 days.

const RETENTION_MS = 5000;
let gateway: TestGateway;
let receiver: Receiver;
let connection: Connection;
let client: Client;
let sql: postgres.Sql;

beforeAll(async () => {
  gateway = await startTestGateway();
  receiver = await startReceiver();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  sql = postgres(gateway.databaseUrl, { max: 1, onnotice: () => {} });
});

afterAll(async () => {
  await sql?.end();
  await connection?.close();
  await gateway?.stop();
  await receiver?.close();
});

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('retention', () => {
  it('expunges old payloads and deletes old attempts from a scheduled pass, keeping deliveries and newer data', async () => {
    const { token } = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, token, { url: receiver.url });
    const old = [];
    for (let i = 0; i < 3; i++) old.push(await publish(gateway, token, { eventType: 'invoice.paid', payload: { i } }));
    for (const p of old) await waitForDelivery(gateway, token, p.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    await new Promise((r) => setTimeout(r, RETENTION_MS + 1000));
    const fresh = await publish(gateway, token, { eventType: 'invoice.paid', payload: { fresh: true } });
    await waitForDelivery(gateway, token, fresh.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');

    // The worker registered the schedule at start (with the default 30 days); make it idempotently ours.
    const taskQueue = gateway.env.TEMPORAL_TASK_QUEUE!;
    const handle = client.schedule.getHandle(retentionScheduleId(taskQueue));
    const registered = await until(() => handle.describe(), 'the schedule the worker registers at start');
    expect(registered.action.args).toEqual([{ retentionMs: 30 * 86_400_000 }]);
    await ensureRetentionSchedule(client, { taskQueue, retentionMs: RETENTION_MS });
    await ensureRetentionSchedule(client, { taskQueue, retentionMs: RETENTION_MS });
    const schedule = await handle.describe();
    expect(schedule.action).toMatchObject({ workflowType: 'enforceRetention', taskQueue, args: [{ retentionMs: RETENTION_MS }] });
    expect(schedule.spec.intervals).toMatchObject([{ every: 3_600_000 }]);

    await handle.trigger();
    const action = await until(async () => (await handle.describe()).info.recentActions[0]?.action, 'the triggered pass');
    const totals = await client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
    expect(totals).toEqual({ attemptsDeleted: 3, payloadsExpunged: 3 });

    const events = await sql<{ id: string; payload: unknown; expunged: boolean }[]>`
      select id, payload, payload_expunged_at is not null as expunged from events order by created_at`;
    expect(events).toEqual([
      ...old.map((p) => ({ id: p.event.id, payload: null, expunged: true })),
      { id: fresh.event.id, payload: { fresh: true }, expunged: false },
    ]);
    const [counts] = await sql<{ deliveries: number; attempts: number }[]>`
      select (select count(*)::int from deliveries where status = 'SUCCEEDED') as deliveries,
             (select count(*)::int from delivery_attempts) as attempts`;
    expect(counts).toEqual({ deliveries: 4, attempts: 1 });
    // The delivery stays readable: its status, no longer its attempt log.
    const kept = await waitForDelivery(gateway, token, old[0]!.deliveries[0]!.id, () => true);
    expect(kept).toMatchObject({ status: 'SUCCEEDED', attempts: [] });
    await handle.delete();
  });
});
