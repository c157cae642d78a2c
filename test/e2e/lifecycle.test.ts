import { Client, Connection } from '@temporalio/client';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectTestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let sql: postgres.Sql;
let temporal: Connection;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,300ms' });
  sql = connectTestDatabase(gateway.databaseUrl);
  temporal = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  // Receivers first: a hung one would otherwise keep an attempt in flight until its timeout.
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
  await sql?.end();
  await temporal?.close();
});

async function workflowStatus(endpointId: string): Promise<string> {
  return (await new Client({ connection: temporal }).workflow.getHandle(`endpoint-${endpointId}`).describe()).status.name;
}

async function receiver(respond: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

/**
 * A barrier for "nothing was sent": another tenant's delivery, published now, failed once and retried
 * 1 s later through its workflow. Once it has succeeded, both paths have run past anything of the
 * test's that was due before it, so whatever they did not send by then they held.
 */
async function bothPathsMovedOn() {
  const target = await receiver((_, index) => ({ status: index === 0 ? 500 : 200 }));
  const bystander = await createTenantWithEventType(gateway, 'Bystander');
  await createEndpoint(gateway, bystander.token, { url: target.url, retrySchedule: '0s,1s' });
  const published = await publish(gateway, bystander.token, { eventType: 'invoice.paid', payload: { barrier: true } });
  const done = await waitForDelivery(gateway, bystander.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
  expect(done.attempts.map((a: { path: string }) => a.path)).toEqual(['FAST', 'DURABLE']);
}

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const DEAD_LETTERS = `query($endpointId: ID, $first: Int, $after: String) {
  deadLetters(endpointId: $endpointId, first: $first, after: $after) { edges { node { id status } cursor } pageInfo { hasNextPage endCursor } }
}`;

describe('dead letters and replay', () => {
  it('lists a dead letter and replays it with the same webhook-id until it succeeds', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { r: 1 } });
    const id = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'DEAD_LETTERED');

    const listed = await gateway.graphql(DEAD_LETTERS, { endpointId: endpoint.id }, tenant.token);
    expect(listed.body.data.deadLetters.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([id]);

    up = true;
    const replay = await gateway.graphql('mutation($id: ID!) { replayDelivery(id: $id) { id status } }', { id }, tenant.token);
    expect(replay.body.data.replayDelivery).toEqual({ id, status: 'PENDING' });
    const done = await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
    expect(done.attempts.map((a: { attemptNumber: number; path: string }) => [a.attemptNumber, a.path])).toEqual([
      [1, 'FAST'],
      [2, 'DURABLE'],
      [3, 'DURABLE'],
    ]);
    expect(new Set(target.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([published.event.id]));
    const after = await gateway.graphql(DEAD_LETTERS, { endpointId: endpoint.id }, tenant.token);
    expect(after.body.data.deadLetters.edges).toEqual([]);
  });

  it('pages through dead letters and replays them in bulk', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 503 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s' });
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).deliveries[0]!.id);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'DEAD_LETTERED');

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const { body }: { body: any } = await gateway.graphql(
        DEAD_LETTERS,
        { endpointId: endpoint.id, first: 2, after },
        tenant.token,
      );
      seen.push(...body.data.deadLetters.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!body.data.deadLetters.pageInfo.hasNextPage) break;
      after = body.data.deadLetters.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());

    up = true;
    const bulk = await gateway.graphql(
      'mutation($endpointId: ID) { replayDeadLetters(endpointId: $endpointId) { replayedCount } }',
      { endpointId: endpoint.id },
      tenant.token,
    );
    expect(bulk.body.data.replayDeadLetters.replayedCount).toBe(5);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
  });

  it('refuses to replay a pending delivery, and cannot see another tenant’s', async () => {
    const target = await receiver(() => null);
    const tenant = await createTenantWithEventType(gateway);
    const other = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: target.url, timeoutMs: 30_000 });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const replay = 'mutation($id: ID!) { replayDelivery(id: $id) { id } }';
    expect(codeOf((await gateway.graphql(replay, { id: published.deliveries[0]!.id }, tenant.token)).body)).toBe('CONFLICT');
    expect(codeOf((await gateway.graphql(replay, { id: published.deliveries[0]!.id }, other.token)).body)).toBe('NOT_FOUND');
  });
});

describe('endpoint lifecycle', () => {
  const UPDATE =
    'mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) { status disabledReason } }';

  it('holds deliveries while paused and sends them all on resume', async () => {
    const target = await receiver(() => ({ status: 200 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url });
    const paused = await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'PAUSED' } }, tenant.token);
    expect(paused.body.data.updateEndpoint.status).toBe('PAUSED');

    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).deliveries[0]!.id);
    await bothPathsMovedOn();
    expect(target.requests).toHaveLength(0);

    await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'ACTIVE' } }, tenant.token);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
    expect(target.requests).toHaveLength(3);
  });

  it('holds retries waiting in the workflow while paused: none is attempted, all go out on resume', async () => {
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1s,1s,1s' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { r: 1 } });
    const id = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, id, (d) => d.attemptCount === 1);

    const paused = await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'PAUSED' } }, tenant.token);
    expect(paused.body.data.updateEndpoint.status).toBe('PAUSED');
    const seen = target.requests.length;
    // Told to pause, the workflow lets go at once: its retry waits in Postgres, not on a timer.
    await eventually(async () => (await workflowStatus(endpoint.id)) === 'COMPLETED', 'the workflow to let go');
    await eventually(
      async () => (await sql`select 1 from deliveries where id = ${id} and next_attempt_at < now()`).length === 1,
      'the held retry to be due',
    );
    await bothPathsMovedOn();
    expect(target.requests).toHaveLength(seen);
    expect(await waitForDelivery(gateway, tenant.token, id, () => true)).toMatchObject({ status: 'PENDING' });

    up = true;
    await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'ACTIVE' } }, tenant.token);
    const done = await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
    expect(done.attempts.at(-1)).toMatchObject({ path: 'DURABLE', outcome: 'SUCCESS' });
  });

  it("holds a suspended tenant's deliveries on both paths, and sends them on reactivation", async () => {
    let up = false;
    const held = await receiver(() => ({ status: 200 }));
    const retried = await receiver(() => ({ status: up ? 200 : 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const first = await createEndpoint(gateway, tenant.token, { url: held.url });
    await createEndpoint(gateway, tenant.token, { url: retried.url, retrySchedule: '0s,1s,1s,1s,1s' });
    // A first attempt held by a pause, and a retry waiting in its workflow, when the tenant is suspended.
    await gateway.graphql(UPDATE, { id: first.endpoint.id, input: { status: 'PAUSED' } }, tenant.token);
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await retried.waitFor(1);
    await eventually(
      async () =>
        (await sql`select 1 from deliveries where tenant_id = ${tenant.tenantId} and handler = 'WORKFLOW'`).length === 1,
      'the retry to be scheduled',
    );
    const operator = (mutation: string) =>
      gateway.graphql(`mutation($id: ID!) { ${mutation}(id: $id) { status } }`, { id: tenant.tenantId }, gateway.adminKey);
    expect((await operator('suspendTenant')).body.data.suspendTenant.status).toBe('SUSPENDED');
    // The paused endpoint is resumed meanwhile (in SQL: the suspended tenant's own key no longer works).
    await sql`update endpoints set status = 'ACTIVE' where id = ${first.endpoint.id}`;
    up = true;
    await eventually(
      async () =>
        (
          await sql`select 1 from deliveries where tenant_id = ${tenant.tenantId} and handler = 'WORKFLOW' and next_attempt_at < now()`
        ).length === 1,
      'the held retry to be due',
    );
    await bothPathsMovedOn();
    expect(held.requests).toHaveLength(0);
    expect(retried.requests).toHaveLength(1);

    expect((await operator('reactivateTenant')).body.data.reactivateTenant.status).toBe('ACTIVE');
    for (const d of published.deliveries) await waitForDelivery(gateway, tenant.token, d.id, (x) => x.status === 'SUCCEEDED');
    expect(held.requests).toHaveLength(1);
    expect(retried.requests).toHaveLength(2);
  });

  it("cancels a disabled endpoint's pending deliveries, and starts it afresh when enabled again", async () => {
    const target = await receiver(() => ({ status: 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1h' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.attemptCount === 1);
    const query = 'query($id: ID!) { endpoint(id: $id) { status disabledReason failingSince } }';
    expect((await gateway.graphql(query, { id: endpoint.id }, tenant.token)).body.data.endpoint.failingSince).not.toBeNull();

    const disabled = await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'DISABLED' } }, tenant.token);
    expect(disabled.body.data.updateEndpoint).toEqual({ status: 'DISABLED', disabledReason: 'Disabled by the tenant.' });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'CANCELLED');
    await eventually(async () => (await workflowStatus(endpoint.id)) === 'COMPLETED', 'the workflow to end');

    await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'ACTIVE' } }, tenant.token);
    expect((await gateway.graphql(query, { id: endpoint.id }, tenant.token)).body.data.endpoint).toEqual({
      status: 'ACTIVE',
      disabledReason: null,
      failingSince: null,
    });
  });

  it('disables an endpoint that answers 410 Gone and cancels what it had pending', async () => {
    const target = await receiver(() => ({ status: 410 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const done = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status !== 'PENDING');
    expect(done.status).toBe('CANCELLED');
    const { body } = await gateway.graphql(
      'query($id: ID!) { endpoint(id: $id) { status disabledReason } }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(body.data.endpoint).toEqual({ status: 'DISABLED', disabledReason: expect.stringContaining('410') });
    const later = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    expect(later.deliveries).toHaveLength(0);
    expect(target.requests).toHaveLength(1);
  });

  it('cancels pending deliveries on delete, and keeps their history readable', async () => {
    const target = await receiver(() => ({ status: 500 }));
    const tenant = await createTenantWithEventType(gateway);
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: target.url, retrySchedule: '0s,1h' });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    const id = published.deliveries[0]!.id;
    await waitForDelivery(gateway, tenant.token, id, (d) => d.attemptCount === 1);

    const deleted = await gateway.graphql('mutation($id: ID!) { deleteEndpoint(id: $id) }', { id: endpoint.id }, tenant.token);
    expect(deleted.body.data.deleteEndpoint).toBe(true);
    const delivery = await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'CANCELLED');
    expect(delivery.endpoint.id).toBe(endpoint.id);
    expect(delivery.attempts).toHaveLength(1);
    const gone = await gateway.graphql('query($id: ID!) { endpoint(id: $id) { id } }', { id: endpoint.id }, tenant.token);
    expect(gone.body.data.endpoint).toBeNull();
    const again = await gateway.graphql('mutation($id: ID!) { deleteEndpoint(id: $id) }', { id: endpoint.id }, tenant.token);
    expect(codeOf(again.body)).toBe('NOT_FOUND');
  });
});
