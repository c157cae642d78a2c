import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { createEndpoint, createTenantWithEventType, type TestTenant } from '../support/scenario.ts';

let gateway: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  tenant = await createTenantWithEventType(gateway, 'Errors');
});

afterAll(async () => {
  await gateway?.stop();
});

async function error(document: string, variables: Record<string, unknown> = {}, token = tenant.token) {
  const { body } = await gateway.graphql(document, variables, token);
  expect(body.errors, JSON.stringify(body)).toHaveLength(1);
  return { ...body.errors![0]!, data: body.data };
}

describe('BAD_USER_INPUT names the field', () => {
  it('for a payload that fails its event type schema, by the JSON path of the failing value', async () => {
    await gateway.graphql(
      'mutation($s: JSON) { createEventType(input: { name: "order.placed", schema: $s }) { id } }',
      {
        s: {
          type: 'object',
          required: ['total'],
          properties: { total: { type: 'number' }, items: { type: 'array', items: { type: 'string' } } },
        },
      },
      tenant.token,
    );
    const publishing = 'mutation($p: JSON!) { publishEvent(input: { eventType: "order.placed", payload: $p }) { event { id } } }';
    expect((await error(publishing, { p: { items: [] } })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'payload/total',
    });
    expect((await error(publishing, { p: { total: 1, items: ['a', 2] } })).extensions).toMatchObject({
      field: 'payload/items/1',
    });
  });

  it('for a batch, with the index of the event at fault, and stores none of it', async () => {
    const e = await error(
      'mutation($events: [PublishEventInput!]!) { publishEvents(input: { events: $events }) { results { event { id } } } }',
      {
        events: [
          { eventType: 'invoice.paid', payload: { n: 'keep-out' } },
          { eventType: 'invoice.paid', payload: 'x'.repeat(300_000) },
        ],
      },
    );
    expect(e.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', index: 1, field: 'events/1/payload' });
    const events = await gateway.graphql('{ events { edges { node { payload } } } }', {}, tenant.token);
    expect(JSON.stringify(events.body.data)).not.toContain('keep-out');
  });

  it.each([
    [
      'an invalid JSON Schema',
      'mutation { createEventType(input: { name: "bad.schema", schema: { type: 12 } }) { id } }',
      'schema',
    ],
    ['a page size over 100', '{ events(first: 500) { edges { cursor } } }', 'first'],
    [
      'a stats window with too many buckets',
      '{ deliveryStats(filter: { since: "2020-01-01T00:00:00Z", bucket: MINUTE }) { attemptCount } }',
      'bucket',
    ],
    [
      'a portal session over 24 hours',
      'mutation { createPortalSession(consumerId: "c", ttlSeconds: 90000) { token } }',
      'ttlSeconds',
    ],
    ['a key with the PORTAL scope', 'mutation { createApiKey(input: { name: "p", scopes: [PORTAL] }) { token } }', 'scopes.0'],
    [
      'an unknown operational endpoint',
      'mutation { updateTenantSettings(input: { operationalEndpointId: "ep_nope" }) { id } }',
      'operationalEndpointId',
    ],
    [
      'an unknown event type in an endpoint filter',
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/x", eventTypes: ["nope"] }) { secret } }',
      'eventTypes',
    ],
  ])('for %s', async (_, document, field) => {
    expect((await error(document)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('for an operator key creating a key without naming the tenant', async () => {
    const e = await error('mutation { createApiKey(input: { name: "k", scopes: [READ_ONLY] }) { token } }', {}, gateway.adminKey);
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenantId' });
  });
});

describe('other refusals', () => {
  it('answers NOT_FOUND for unknown ids, and CONFLICT for a name taken or a replay of a pending delivery', async () => {
    expect((await error('mutation { deleteEndpoint(id: "ep_nope") }')).extensions?.code).toBe('NOT_FOUND');
    expect((await error('mutation { archiveEventType(name: "never.made") { id } }')).extensions?.code).toBe('NOT_FOUND');
    expect((await error('mutation { createEventType(input: { name: "invoice.paid" }) { id } }')).extensions?.code).toBe(
      'CONFLICT',
    );
    expect(
      (await error('mutation { updateTenant(id: "tnt_nope", input: { name: "x" }) { id } }', {}, gateway.adminKey)).extensions
        ?.code,
    ).toBe('NOT_FOUND');
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: 'http://127.0.0.1:9/x' });
    await gateway.graphql(
      'mutation($id: ID!) { updateEndpoint(id: $id, input: { status: DISABLED }) { id } }',
      { id: endpoint.id },
      tenant.token,
    );
    expect(
      (await error('mutation($id: ID!) { sendTestEvent(endpointId: $id) { id } }', { id: endpoint.id })).extensions?.code,
    ).toBe('CONFLICT');
  });

  it('answers RATE_LIMITED with retryAfterSeconds once the tenant publishes past its burst', async () => {
    const admin = gateway.adminKey;
    const created = await gateway.graphql(
      'mutation { createTenant(input: { name: "Throttled", limits: { publishRatePerSecond: 1, publishBurst: 3 } }) { tenant { id } apiKey { token } } }',
      {},
      admin,
    );
    const token = created.body.data.createTenant.apiKey.token;
    await gateway.graphql('mutation { createEventType(input: { name: "invoice.paid" }) { id } }', {}, token);
    const publishing = 'mutation { publishEvent(input: { eventType: "invoice.paid", payload: {} }) { event { id } } }';
    for (let i = 0; i < 3; i++) expect((await gateway.graphql(publishing, {}, token)).body.errors).toBeUndefined();
    const refused = await error(publishing, {}, token);
    expect(refused.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
  });
});
