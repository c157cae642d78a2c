import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, type TestTenant, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let receiver: Receiver;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startTestGateway();
  receiver = await startReceiver();
  tenant = await createTenantWithEventType(gateway, 'Happy');
});

afterAll(async () => {
  await receiver?.close();
  await gateway?.stop();
});

async function ok(document: string, variables: Record<string, unknown> = {}, token = tenant.token) {
  const { body } = await gateway.graphql(document, variables, token);
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('the operator', () => {
  it('creates, finds, updates, suspends and reactivates tenants, with their limits', async () => {
    const admin = gateway.adminKey;
    const created = await ok(
      `mutation { createTenant(input: { name: "Limited Co", limits: { publishRatePerSecond: 50 } }) {
        tenant { id name status limits { publishRatePerSecond publishBurst maxPayloadBytes } } apiKey { token scopes } } }`,
      {},
      admin,
    );
    const { id } = created.createTenant.tenant;
    expect(created.createTenant.tenant).toMatchObject({
      name: 'Limited Co',
      status: 'ACTIVE',
      limits: { publishRatePerSecond: 50, publishBurst: 4000, maxPayloadBytes: 262144 },
    });
    expect(created.createTenant.apiKey.scopes).toEqual(['FULL_ACCESS']);
    const found = await ok('{ tenants(filter: { search: "limited" }) { edges { node { id } } } }', {}, admin);
    expect(found.tenants.edges.map((e: any) => e.node.id)).toEqual([id]);
    const updated = await ok(
      'mutation($id: ID!) { updateTenant(id: $id, input: { limits: { maxPayloadBytes: 2048, publishRatePerSecond: null } }) { limits { publishRatePerSecond maxPayloadBytes } } }',
      { id },
      admin,
    );
    expect(updated.updateTenant.limits).toEqual({ publishRatePerSecond: 2000, maxPayloadBytes: 2048 });
    expect(
      (await ok('mutation($id: ID!) { suspendTenant(id: $id) { status suspendedAt } }', { id }, admin)).suspendTenant,
    ).toMatchObject({
      status: 'SUSPENDED',
      suspendedAt: expect.any(String),
    });
    expect((await ok('{ tenants(filter: { status: SUSPENDED }) { edges { node { id } } } }', {}, admin)).tenants.edges).toEqual([
      { node: { id } },
    ]);
    expect((await ok('mutation($id: ID!) { reactivateTenant(id: $id) { status } }', { id }, admin)).reactivateTenant.status).toBe(
      'ACTIVE',
    );
    expect((await ok('query($id: ID!) { tenant(id: $id) { name } }', { id }, admin)).tenant.name).toBe('Limited Co');
  });
});

describe('keys and portal sessions', () => {
  it('creates a key shown once, lists it, says who calls, and revokes it', async () => {
    const created = await ok(
      'mutation { createApiKey(input: { name: "reporting", scopes: [READ_ONLY] }) { token apiKey { id prefix scopes } } }',
    );
    const { token, apiKey } = created.createApiKey;
    expect(token.startsWith(apiKey.prefix)).toBe(true);
    const viewer = await ok('{ viewer { isOperator scopes consumerId apiKey { id name } tenant { id } } }', {}, token);
    expect(viewer.viewer).toEqual({
      isOperator: false,
      scopes: ['READ_ONLY'],
      consumerId: null,
      apiKey: { id: apiKey.id, name: 'reporting' },
      tenant: { id: tenant.tenantId },
    });
    const listed = await ok('{ apiKeys { edges { node { id name lastUsedAt } } } }');
    expect(listed.apiKeys.edges.find((e: any) => e.node.id === apiKey.id).node.lastUsedAt).toEqual(expect.any(String));
    expect(
      (await ok('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id })).revokeApiKey.revokedAt,
    ).toEqual(expect.any(String));
    expect((await gateway.graphql('{ viewer { isOperator } }', {}, token)).body.errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('lets the operator create a key for a tenant', async () => {
    const created = await ok(
      'mutation($t: ID) { createApiKey(input: { name: "ops", scopes: [PUBLISH_ONLY], tenantId: $t }) { token } }',
      { t: tenant.tenantId },
      gateway.adminKey,
    );
    expect((await ok('{ viewer { tenant { id } } }', {}, created.createApiKey.token)).viewer.tenant.id).toBe(tenant.tenantId);
  });

  it('opens a portal session: a URL on this gateway with the token in its fragment, scoped to one consumer', async () => {
    const session = (
      await ok('mutation { createPortalSession(consumerId: "acme", ttlSeconds: 600) { token url consumerId expiresAt } }')
    ).createPortalSession;
    expect(session.url).toBe(`${gateway.url}/session#${session.token}`);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect((await ok('{ viewer { scopes consumerId } }', {}, session.token)).viewer).toEqual({
      scopes: ['PORTAL'],
      consumerId: 'acme',
    });
  });
});

describe('event types', () => {
  it('creates, reads with an example made from the schema, updates, archives and unarchives', async () => {
    const schema = { type: 'object', required: ['amount'], properties: { amount: { type: 'integer', example: 4200 } } };
    await ok('mutation($s: JSON) { createEventType(input: { name: "payment.made", description: "Paid", schema: $s }) { id } }', {
      s: schema,
    });
    const read = await ok('{ eventType(name: "payment.made") { name description schema example archived } }');
    expect(read.eventType).toEqual({
      name: 'payment.made',
      description: 'Paid',
      schema,
      example: { amount: 4200 },
      archived: false,
    });
    const updated = await ok('mutation { updateEventType(name: "payment.made", input: { example: { amount: 1 } }) { example } }');
    expect(updated.updateEventType.example).toEqual({ amount: 1 });
    await ok('mutation { archiveEventType(name: "payment.made") { archived } }');
    expect((await ok('{ eventTypes { name } }')).eventTypes.map((t: any) => t.name)).not.toContain('payment.made');
    expect((await ok('{ eventTypes(includeArchived: true) { name } }')).eventTypes.map((t: any) => t.name)).toContain(
      'payment.made',
    );
    await ok('mutation { unarchiveEventType(name: "payment.made") { archived } }');
  });
});

describe('endpoints', () => {
  it('pauses (holding deliveries), resumes (sending them), rotates, reveals its secret and sends a signed test event', async () => {
    const { endpoint, secret } = await createEndpoint(gateway, tenant.token, {
      url: receiver.url,
      eventTypes: ['invoice.paid'],
      description: 'Lifecycle',
    });
    expect((await ok('mutation($id: ID!) { pauseEndpoint(id: $id) { status } }', { id: endpoint.id })).pauseEndpoint.status).toBe(
      'PAUSED',
    );
    const held = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { held: true } });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests.filter((r) => r.headers['webhook-id'] === held.event.id)).toEqual([]);
    expect(
      (await ok('mutation($id: ID!) { resumeEndpoint(id: $id) { status } }', { id: endpoint.id })).resumeEndpoint.status,
    ).toBe('ACTIVE');
    await waitForDelivery(gateway, tenant.token, held.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');

    expect((await ok('query($id: ID!) { endpointSecret(endpointId: $id) }', { id: endpoint.id })).endpointSecret).toBe(secret);
    const rotated = (
      await ok('mutation($id: ID!) { rotateEndpointSecret(id: $id, graceSeconds: 0) { secret } }', { id: endpoint.id })
    ).rotateEndpointSecret.secret;
    expect((await ok('query($id: ID!) { endpointSecret(endpointId: $id) }', { id: endpoint.id })).endpointSecret).toBe(rotated);

    const test = (
      await ok('mutation($id: ID!) { sendTestEvent(endpointId: $id) { id event { id eventType payload } } }', { id: endpoint.id })
    ).sendTestEvent;
    expect(test.event.eventType).toBe('invoice.paid');
    await waitForDelivery(gateway, tenant.token, test.id, (d) => d.status === 'SUCCEEDED');
    const received = receiver.requests.find((r) => r.headers['webhook-id'] === test.event.id)!;
    const headers = Object.fromEntries(Object.entries(received.headers).map(([k, v]) => [k, String(v)]));
    expect(new Webhook(rotated).verify(received.body, headers)).toMatchObject({ type: 'invoice.paid' });
    const logged = await ok('query($id: ID!) { event(id: $id) { id } }', { id: test.event.id });
    expect(logged.event.id).toBe(test.event.id);
    expect((await ok('mutation($id: ID!) { retryEndpointNow(endpointId: $id) }', { id: endpoint.id })).retryEndpointNow).toBe(0);
  });

  it('lists endpoints by filter, each with its stats', async () => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, {
      url: receiver.url,
      consumerId: 'listed',
      description: 'Stats',
    });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {}, consumerId: 'listed' });
    await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    const listed = await ok(
      `{ endpoints(filter: { consumerId: "listed", status: ACTIVE, eventType: "invoice.paid", search: "stats" }) {
        edges { node { id stats(bucket: HOUR) { counts { total succeeded } successRate attemptCount attemptLatencyMs { p50 p95 p99 } buckets { start } } } } } }`,
    );
    const [node] = listed.endpoints.edges.map((e: any) => e.node);
    expect(node.id).toBe(endpoint.id);
    expect(node.stats).toMatchObject({ counts: { total: 1, succeeded: 1 }, successRate: 1, attemptCount: 1 });
    expect(node.stats.attemptLatencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(node.stats.buckets.length).toBeGreaterThanOrEqual(24);
    const updated = await ok(
      'mutation($id: ID!) { updateEndpoint(id: $id, input: { description: "Renamed", metadata: { team: "x" } }) { description metadata } }',
      {
        id: endpoint.id,
      },
    );
    expect(updated.updateEndpoint).toEqual({ description: 'Renamed', metadata: { team: 'x' } });
    expect((await ok('mutation($id: ID!) { deleteEndpoint(id: $id) }', { id: endpoint.id })).deleteEndpoint).toBe(true);
  });
});

describe('events and deliveries', () => {
  it('publishes a batch, and shows each attempt with the URL and the exact body sent', async () => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url, consumerId: 'batch' });
    const batch = await ok(
      `mutation($events: [PublishEventInput!]!) { publishEvents(input: { events: $events }) {
        results { event { id } deliveries { id } } } }`,
      { events: [0, 1, 2].map((i) => ({ eventType: 'invoice.paid', payload: { i }, consumerId: 'batch' })) },
    );
    const results = batch.publishEvents.results;
    expect(results).toHaveLength(3);
    for (const r of results) await waitForDelivery(gateway, tenant.token, r.deliveries[0].id, (d) => d.status === 'SUCCEEDED');

    const event = await ok(
      `query($id: ID!) { event(id: $id) { id payload deliveries { id status endpoint { id } lastAttempt { attemptNumber url requestBody responseStatus outcome } } } }`,
      { id: results[1].event.id },
    );
    const [delivery] = event.event.deliveries;
    const received = receiver.requests.find((r) => r.headers['webhook-id'] === results[1].event.id)!;
    expect(delivery).toMatchObject({ status: 'SUCCEEDED', endpoint: { id: endpoint.id } });
    expect(delivery.lastAttempt).toEqual({
      attemptNumber: 1,
      url: receiver.url,
      requestBody: received.body,
      responseStatus: 200,
      outcome: 'SUCCESS',
    });

    const events = await ok(
      '{ events(filter: { consumerId: "batch" }, first: 2) { edges { node { id } } pageInfo { hasNextPage } } }',
    );
    expect(events.events.edges.map((e: any) => e.node.id)).toEqual([results[2].event.id, results[1].event.id]);
    expect(events.events.pageInfo.hasNextPage).toBe(true);
    const deliveries = await ok(
      'query($e: ID) { deliveries(filter: { endpointId: $e, status: SUCCEEDED }) { edges { node { id } } } }',
      {
        e: endpoint.id,
      },
    );
    expect(deliveries.deliveries.edges).toHaveLength(3);
    const stats = await ok(
      'query($e: ID) { deliveryStats(filter: { endpointId: $e, bucket: MINUTE }) { counts { total succeeded } successRate } }',
      {
        e: endpoint.id,
      },
    );
    expect(stats.deliveryStats).toEqual({ counts: { total: 3, succeeded: 3 }, successRate: 1 });

    const replayed = await ok('mutation($id: ID!) { replayDelivery(id: $id) { status } }', { id: delivery.id });
    expect(replayed.replayDelivery.status).toBe('PENDING');
    await waitForDelivery(gateway, tenant.token, delivery.id, (d) => d.status === 'SUCCEEDED' && d.attemptCount === 2);
    expect((await ok('mutation { replayDeadLetters { replayedCount deliveryIds } }')).replayDeadLetters).toEqual({
      replayedCount: 0,
      deliveryIds: [],
    });

    const expunged = await ok(
      'mutation($id: ID!) { expungeEventPayload(id: $id) { payload payloadExpungedAt deliveries(first: 5) { attempts(first: 10) { requestBody } } } }',
      {
        id: results[1].event.id,
      },
    );
    expect(expunged.expungeEventPayload).toMatchObject({ payload: null, payloadExpungedAt: expect.any(String) });
    expect(expunged.expungeEventPayload.deliveries[0].attempts.map((a: any) => a.requestBody)).toEqual([null, null]);
  });

  it('counts lists when asked, finds an event by id or idempotency key, and follows a bulk replay by the ids it returns', async () => {
    let up = false;
    const flaky = await startReceiver(() => ({ status: up ? 200 : 503 }));
    try {
      const { endpoint } = await createEndpoint(gateway, tenant.token, {
        url: flaky.url,
        consumerId: 'counted',
        retrySchedule: '0s',
      });
      const published = [];
      for (let i = 0; i < 3; i++)
        published.push(
          await publish(gateway, tenant.token, {
            eventType: 'invoice.paid',
            payload: { i },
            consumerId: 'counted',
            idempotencyKey: `counted-${i}`,
          }),
        );
      const deliveryIds = published.map((p) => p.deliveries[0]!.id);
      for (const id of deliveryIds) await waitForDelivery(gateway, tenant.token, id, (d) => d.status === 'DEAD_LETTERED');

      const counted = await ok(
        `query($e: ID) {
          deadLetters(endpointId: $e, first: 1) { edges { node { id } } totalCount totalCountIsExact }
          deliveries(filter: { endpointId: $e }, first: 1) { totalCount totalCountIsExact }
          events(filter: { consumerId: "counted" }, first: 1) { totalCount totalCountIsExact }
          endpoints(filter: { consumerId: "counted" }) { totalCount totalCountIsExact } }`,
        { e: endpoint.id },
      );
      expect(counted).toEqual({
        deadLetters: { edges: [{ node: { id: deliveryIds[2] } }], totalCount: 3, totalCountIsExact: true },
        deliveries: { totalCount: 3, totalCountIsExact: true },
        events: { totalCount: 3, totalCountIsExact: true },
        endpoints: { totalCount: 1, totalCountIsExact: true },
      });
      const beforeAll = new Date(Date.now() - 3_600_000).toISOString();
      const windows = await ok(
        'query($e: ID, $t: DateTime) { before: deadLetters(endpointId: $e, until: $t) { totalCount } after: deadLetters(endpointId: $e, since: $t) { totalCount } }',
        { e: endpoint.id, t: beforeAll },
      );
      expect(windows).toEqual({ before: { totalCount: 0 }, after: { totalCount: 3 } });
      const found = await ok(
        'query($id: String) { byKey: events(filter: { search: "counted-1" }) { edges { node { id idempotencyKey } } } byId: events(filter: { search: $id }) { totalCount } }',
        { id: published[0]!.event.id },
      );
      expect(found.byKey.edges).toEqual([{ node: { id: published[1]!.event.id, idempotencyKey: 'counted-1' } }]);
      expect(found.byId.totalCount).toBe(1);

      up = true;
      const replay = await ok('mutation($e: ID) { replayDeadLetters(endpointId: $e) { replayedCount deliveryIds } }', {
        e: endpoint.id,
      });
      expect(replay.replayDeadLetters).toEqual({ replayedCount: 3, deliveryIds: [...deliveryIds].reverse() });
      const follow = 'query($ids: [ID!]) { deliveries(filter: { ids: $ids }, first: 100) { edges { node { id status } } } }';
      let statuses = ['PENDING'];
      for (let i = 0; i < 150 && !statuses.every((s) => s === 'SUCCEEDED'); i++) {
        await new Promise((r) => setTimeout(r, 200));
        const data = await ok(follow, { ids: replay.replayDeadLetters.deliveryIds });
        statuses = data.deliveries.edges.map((e: any) => e.node.status);
        expect(statuses).toHaveLength(3);
      }
      expect(statuses).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const tooMany = await gateway.graphql(follow, { ids: Array.from({ length: 101 }, (_, i) => `dlv_${i}`) }, tenant.token);
      expect(tooMany.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.ids' });
    } finally {
      await flaky.close();
    }
  });

  it('reads the operational events the delivery engine records', async () => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const sql = postgres(gateway.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await sql`insert into operational_events (id, tenant_id, type, endpoint_id, message, data)
                values ('opev_01JD3Z6Y8K6Q2W0X5V9N4T7R1S', ${tenant.tenantId}, 'ENDPOINT_DISABLED', ${endpoint.id},
                        'The endpoint answered 410 Gone.', '{"status": 410}')`;
    } finally {
      await sql.end();
    }
    const listed = await ok(
      'query($e: ID) { operationalEvents(filter: { endpointId: $e, type: ENDPOINT_DISABLED }) { edges { node { type endpointId message data } } } }',
      {
        e: endpoint.id,
      },
    );
    expect(listed.operationalEvents.edges).toEqual([
      {
        node: {
          type: 'ENDPOINT_DISABLED',
          endpointId: endpoint.id,
          message: 'The endpoint answered 410 Gone.',
          data: { status: 410 },
        },
      },
    ]);
  });

  it('changes the tenant settings', async () => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const updated = await ok(
      'mutation($e: ID) { updateTenantSettings(input: { retrySchedule: "0s,1m", operationalEndpointId: $e }) { retrySchedule operationalEndpointId } }',
      {
        e: endpoint.id,
      },
    );
    expect(updated.updateTenantSettings).toEqual({ retrySchedule: '0s,1m', operationalEndpointId: endpoint.id });
  });
});

describe('the audit log', () => {
  it('records every mutation made above, with who made it, and no secrets', async () => {
    const entries: any[] = [];
    let after: string | null = null;
    do {
      const page: any = await ok(
        'query($after: String) { auditLog(first: 100, after: $after) { edges { node { action actorKind apiKeyId targetId details } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      entries.push(...page.auditLog.edges.map((e: any) => e.node));
      after = page.auditLog.pageInfo.hasNextPage ? page.auditLog.pageInfo.endCursor : null;
    } while (after);
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      'createTenant',
      'createApiKey',
      'revokeApiKey',
      'createPortalSession',
      'createEventType',
      'updateEventType',
      'archiveEventType',
      'unarchiveEventType',
      'createEndpoint',
      'updateEndpoint',
      'pauseEndpoint',
      'resumeEndpoint',
      'deleteEndpoint',
      'rotateEndpointSecret',
      'sendTestEvent',
      'retryEndpointNow',
      'replayDelivery',
      'replayDeadLetters',
      'expungeEventPayload',
      'updateTenantSettings',
    ])
      expect(actions, action).toContain(action);
    expect(entries.find((e) => e.action === 'createTenant')).toMatchObject({ actorKind: 'OPERATOR', apiKeyId: null });
    expect(entries.find((e) => e.action === 'createApiKey' && e.actorKind === 'OPERATOR')).toBeDefined();
    expect(entries.find((e) => e.action === 'pauseEndpoint')).toMatchObject({
      actorKind: 'API_KEY',
      apiKeyId: expect.stringMatching(/^key_/),
    });
    expect(JSON.stringify(entries)).not.toMatch(/whsec_|acme_sk_|acme_ps_/);
  });
});
