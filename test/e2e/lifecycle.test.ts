import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,300ms' });
});

afterAll(async () => {
  // Receivers first: a hung one would otherwise keep an attempt in flight until its timeout.
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
});

async function receiver(respond: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
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
    await new Promise((r) => setTimeout(r, 1500));
    expect(target.requests).toHaveLength(0);

    await gateway.graphql(UPDATE, { id: endpoint.id, input: { status: 'ACTIVE' } }, tenant.token);
    for (const id of ids) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'SUCCEEDED');
    expect(target.requests).toHaveLength(3);
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
