import { typeDefs } from '@acme/schema/graphql';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTestDatabase } from '../support/database.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { allows, type Ids, OPERATIONS } from '../support/operations.ts';
import { createEndpoint, createTenantWithEventType, publish, type TestTenant } from '../support/scenario.ts';

let gateway: TestGateway;
let victim: TestTenant;
let attacker: TestTenant;
let victimIds: Ids;
/** Of the victim's second consumer, for the portal session of its first. */
let globexIds: Ids;

const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;
const names = Object.keys(OPERATIONS);

async function gql(document: string, variables: Record<string, unknown>, token?: string) {
  return (await gateway.graphql(document, variables, token)).body;
}

async function keyWith(tenant: TestTenant, scope: string): Promise<string> {
  const body = await gql(
    `mutation { createApiKey(input: { name: "${scope}", scopes: [${scope}] }) { token apiKey { id } } }`,
    {},
    tenant.token,
  );
  expect(body.errors).toBeUndefined();
  return body.data.createApiKey.token;
}

async function portalToken(tenant: TestTenant, consumerId: string): Promise<string> {
  const body = await gql(
    'mutation($c: String!) { createPortalSession(consumerId: $c) { token url } }',
    { c: consumerId },
    tenant.token,
  );
  expect(body.errors).toBeUndefined();
  return body.data.createPortalSession.token;
}

/** A tenant with something of everything: two consumers' endpoints, events and deliveries, a key, a private type. */
async function populatedTenant(name: string) {
  const tenant = await createTenantWithEventType(gateway, name);
  const ids = async (consumerId: string, typeName: string): Promise<Ids> => {
    const { endpoint } = await createEndpoint(gateway, tenant.token, { url: 'http://127.0.0.1:9/x', consumerId });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { secret: name }, consumerId });
    const key = await gql(
      'mutation { createApiKey(input: { name: "spare", scopes: [READ_ONLY] }) { apiKey { id } } }',
      {},
      tenant.token,
    );
    await gql(`mutation { createEventType(input: { name: "${typeName}" }) { name } }`, {}, tenant.token);
    return {
      tenantId: tenant.tenantId,
      apiKeyId: key.data.createApiKey.apiKey.id,
      endpointId: endpoint.id,
      eventId: published.event.id,
      deliveryId: published.deliveries[0]!.id,
      eventTypeName: typeName,
    };
  };
  return {
    tenant,
    acme: await ids('acme', `${name.toLowerCase()}.private`),
    globex: await ids('globex', `${name.toLowerCase()}.other`),
  };
}

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  const v = await populatedTenant('Victim');
  victim = v.tenant;
  victimIds = v.acme;
  globexIds = v.globex;
  attacker = await createTenantWithEventType(gateway, 'Attacker');
});

afterAll(async () => {
  await gateway?.stop();
});

describe('the operation catalog', () => {
  it('names every query and mutation of the schema', () => {
    const schema = buildSchema(typeDefs);
    const all = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(names.sort()).toEqual(all.sort());
  });
});

describe('without a key', () => {
  it.each(names)('%s answers UNAUTHENTICATED', async (name) => {
    const op = OPERATIONS[name]!;
    const body = await gql(op.document, op.variables(victimIds));
    expect(codeOf(body)).toBe('UNAUTHENTICATED');
    // Nullable fields answer null, the others null the whole data.
    expect(Object.values(body.data ?? {}).every((value) => value === null)).toBe(true);
  });

  it.each([
    ['an unknown key', 'acme_sk_unknown'],
    ['a malformed key', 'x'],
  ])('answers UNAUTHENTICATED with %s', async (_, token) => {
    expect(codeOf(await gql('{ viewer { isOperator } }', {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe('scopes', () => {
  const cases = (['READ_ONLY', 'PUBLISH_ONLY', 'PORTAL'] as const).flatMap((scope) =>
    names
      .filter((n) => !allows(OPERATIONS[n]!.access, scope) && OPERATIONS[n]!.access !== 'operator')
      .map((n) => [scope, n] as const),
  );
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    tokens.set('READ_ONLY', await keyWith(victim, 'READ_ONLY'));
    tokens.set('PUBLISH_ONLY', await keyWith(victim, 'PUBLISH_ONLY'));
    tokens.set('PORTAL', await portalToken(victim, 'acme'));
  });

  it.each(cases)('a %s key gets FORBIDDEN from %s', async (scope, name) => {
    const op = OPERATIONS[name]!;
    const body = await gql(op.document, op.variables(victimIds), tokens.get(scope));
    expect(codeOf(body)).toBe('FORBIDDEN');
  });

  it.each(names.filter((n) => OPERATIONS[n]!.access === 'operator'))(
    'a tenant key gets FORBIDDEN from the operator operation %s',
    async (name) => {
      const op = OPERATIONS[name]!;
      expect(codeOf(await gql(op.document, op.variables(victimIds), victim.token))).toBe('FORBIDDEN');
    },
  );

  it.each(names.filter((n) => !['operator', 'any', 'key-admin'].includes(OPERATIONS[n]!.access)))(
    'the operator key gets FORBIDDEN from the tenant operation %s',
    async (name) => {
      const op = OPERATIONS[name]!;
      expect(codeOf(await gql(op.document, op.variables(victimIds), gateway.adminKey))).toBe('FORBIDDEN');
    },
  );

  it('a read-only key may read, and a publish-only key may publish', async () => {
    expect((await gql('{ endpoints { edges { node { id } } } }', {}, tokens.get('READ_ONLY'))).errors).toBeUndefined();
    const published = await gql(OPERATIONS.publishEvent!.document, {}, tokens.get('PUBLISH_ONLY'));
    expect(published.errors).toBeUndefined();
  });

  it('shows a read-only key custom header names but not their values, in endpoints and in attempts', async () => {
    const { endpoint } = await createEndpoint(gateway, victim.token, {
      url: 'http://127.0.0.1:9/creds',
      consumerId: 'acme',
      headers: { Authorization: 'Bearer receiver-credential' },
    });
    const read = (token: string | undefined) =>
      gql('query($id: ID!) { endpoint(id: $id) { headers } }', { id: endpoint.id }, token);
    expect((await read(tokens.get('READ_ONLY'))).data.endpoint.headers).toEqual({ authorization: '[redacted]' });
    expect((await read(victim.token)).data.endpoint.headers).toEqual({ authorization: 'Bearer receiver-credential' });
    expect((await read(tokens.get('PORTAL'))).data.endpoint.headers).toEqual({ authorization: 'Bearer receiver-credential' });

    // An attempt logged before custom values were redacted at write time.
    const db = connectTestDatabase(gateway.databaseUrl);
    try {
      await db`insert into delivery_attempts (id, delivery_id, tenant_id, attempt_number, path, started_at, duration_ms, url, request_headers, outcome)
               values ('att_legacy_headers', ${victimIds.deliveryId}, ${victimIds.tenantId}, 99, 'FAST', now(), 1, 'http://127.0.0.1:9/creds',
                       ${db.json({ authorization: 'Bearer receiver-credential', 'webhook-id': 'msg_1', 'webhook-signature': 'v1,x' })},
                       'CONNECTION_ERROR')`;
    } finally {
      await db.end();
    }
    for (const token of [tokens.get('READ_ONLY'), victim.token]) {
      const body = await gql(
        'query($id: ID!) { delivery(id: $id) { attempts { attemptNumber requestHeaders } } }',
        { id: victimIds.deliveryId },
        token,
      );
      expect(body.data.delivery.attempts.find((a: { attemptNumber: number }) => a.attemptNumber === 99).requestHeaders).toEqual({
        authorization: '[redacted]',
        'webhook-id': 'msg_1',
        'webhook-signature': '[redacted]',
      });
    }
  });
});

describe("another tenant's ids", () => {
  const idOperations = names.filter(
    (n) => /\$(id|name|t)\b/.test(OPERATIONS[n]!.document) && OPERATIONS[n]!.access !== 'operator',
  );

  it.each(idOperations)("%s with the victim's ids reveals and changes nothing", async (name) => {
    const op = OPERATIONS[name]!;
    const body = await gql(op.document, op.variables(victimIds), attacker.token);
    const code = codeOf(body);
    if (code) {
      // createApiKey names the tenant (FORBIDDEN); updateTenantSettings checks the endpoint as input.
      expect(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT']).toContain(code);
    } else {
      // Reads answer as if nothing existed: null, an empty list, or zero counts.
      const text = JSON.stringify(body.data);
      expect(text).not.toContain(victimIds.endpointId);
      expect(text).not.toContain(victimIds.eventId);
      expect(text).not.toContain(victimIds.deliveryId);
      expect(text).not.toMatch(/"total(Count)?":[1-9]/);
      expect([
        'endpoint',
        'event',
        'events',
        'delivery',
        'deliveries',
        'eventType',
        'deadLetters',
        'deliveryStats',
        'operationalEvents',
        'auditLog',
      ]).toContain(name);
    }
  });

  it("leaves the victim's endpoint, event, key and type as they were", async () => {
    const body = await gql(
      `query($e: ID!, $ev: ID!, $d: ID!, $n: String!) {
        endpoint(id: $e) { id status description }
        event(id: $ev) { payload }
        delivery(id: $d) { id }
        eventType(name: $n) { archived description }
        apiKeys(includeRevoked: true) { edges { node { id revokedAt } } }
        viewer { tenant { name status } }
      }`,
      { e: victimIds.endpointId, ev: victimIds.eventId, d: victimIds.deliveryId, n: victimIds.eventTypeName },
      victim.token,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.endpoint).toEqual({ id: victimIds.endpointId, status: 'ACTIVE', description: '' });
    expect(body.data.event.payload).toEqual({ secret: 'Victim' });
    expect(body.data.eventType).toEqual({ archived: false, description: '' });
    expect(body.data.apiKeys.edges.find((e: any) => e.node.id === victimIds.apiKeyId).node.revokedAt).toBeNull();
    expect(body.data.viewer.tenant).toEqual({ name: 'Victim', status: 'ACTIVE' });
  });

  it("reads another tenant's event over REST as 404", async () => {
    const response = await fetch(`${gateway.url}/v1/events/${victimIds.eventId}`, {
      headers: { authorization: `Bearer ${attacker.token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('a portal session', () => {
  let portal: string;
  beforeAll(async () => {
    portal = await portalToken(victim, 'acme');
  });

  it('says who it is in viewer', async () => {
    const body = await gql(
      '{ viewer { isOperator scopes consumerId tenant { id } apiKey { scopes consumerId expiresAt } } }',
      {},
      portal,
    );
    expect(body.data.viewer).toMatchObject({
      isOperator: false,
      scopes: ['PORTAL'],
      consumerId: 'acme',
      tenant: { id: victim.tenantId },
      apiKey: { scopes: ['PORTAL'], consumerId: 'acme', expiresAt: expect.any(String) },
    });
  });

  it.each(names.filter((n) => allows(OPERATIONS[n]!.access, 'PORTAL') && /\$id\b/.test(OPERATIONS[n]!.document)))(
    "%s cannot reach another consumer's endpoint, event or delivery",
    async (name) => {
      const op = OPERATIONS[name]!;
      const body = await gql(op.document, op.variables(globexIds), portal);
      const code = codeOf(body);
      if (code) expect(code).toBe('NOT_FOUND');
      else
        expect(JSON.stringify(body.data)).not.toMatch(
          new RegExp(`${globexIds.endpointId}|${globexIds.eventId}|${globexIds.deliveryId}|"total(Count)?":[1-9]`),
        );
    },
  );

  it("lists only its consumer's endpoints, events and deliveries", async () => {
    const body = await gql(
      '{ endpoints { edges { node { id consumerId } } } events { edges { node { id consumerId } } } deliveries { edges { node { endpoint { consumerId } } } } }',
      {},
      portal,
    );
    expect(body.errors).toBeUndefined();
    const consumers = JSON.stringify(body.data).match(/"consumerId":"[^"]*"/g) ?? [];
    expect(consumers.length).toBeGreaterThan(0);
    expect(new Set(consumers)).toEqual(new Set(['"consumerId":"acme"']));
  });

  it('creates endpoints for its own consumer only', async () => {
    const own = await gql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/p" }) { endpoint { consumerId } } }',
      {},
      portal,
    );
    expect(own.data.createEndpoint.endpoint.consumerId).toBe('acme');
    const other = await gql(
      'mutation { createEndpoint(input: { url: "http://127.0.0.1:9/p", consumerId: "globex" }) { endpoint { id } } }',
      {},
      portal,
    );
    expect(codeOf(other)).toBe('FORBIDDEN');
    const moved = await gql(
      'mutation($id: ID!) { updateEndpoint(id: $id, input: { consumerId: "globex" }) { id } }',
      { id: victimIds.endpointId },
      portal,
    );
    expect(codeOf(moved)).toBe('FORBIDDEN');
  });

  it('cannot publish over REST, and stops working when revoked', async () => {
    const response = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${portal}` },
      body: JSON.stringify({ eventType: 'invoice.paid', payload: {} }),
    });
    expect(response.status).toBe(403);
    const session = await gql('{ viewer { apiKey { id } } }', {}, portal);
    await gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: session.data.viewer.apiKey.id }, victim.token);
    expect(codeOf(await gql('{ viewer { isOperator } }', {}, portal))).toBe('UNAUTHENTICATED');
  });
});

describe('keys that stop working', () => {
  it("refuses a suspended tenant's keys, and takes them back on reactivation", async () => {
    const tenant = await createTenantWithEventType(gateway, 'Suspended');
    await gql('mutation($id: ID!) { suspendTenant(id: $id) { status } }', { id: tenant.tenantId }, gateway.adminKey);
    expect(codeOf(await gql('{ viewer { isOperator } }', {}, tenant.token))).toBe('UNAUTHENTICATED');
    await gql('mutation($id: ID!) { reactivateTenant(id: $id) { status } }', { id: tenant.tenantId }, gateway.adminKey);
    expect((await gql('{ viewer { isOperator } }', {}, tenant.token)).errors).toBeUndefined();
  });

  it('refuses a key once its expiry has passed', async () => {
    const tenant = await createTenantWithEventType(gateway, 'Expiring');
    const body = await gql(
      'mutation($at: DateTime) { createApiKey(input: { name: "short", scopes: [READ_ONLY], expiresAt: $at }) { token } }',
      { at: new Date(Date.now() + 1500).toISOString() },
      tenant.token,
    );
    const token = body.data.createApiKey.token;
    expect((await gql('{ viewer { isOperator } }', {}, token)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2000));
    expect(codeOf(await gql('{ viewer { isOperator } }', {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe('destinations (SSRF) at create time', () => {
  let strict: TestGateway;
  let token: string;
  beforeAll(async () => {
    // Loopback is allowed in development and tests; this gateway allows no private range at all, as in production.
    strict = await startTestGateway({ PRIVATE_DESTINATIONS_ALLOWED: '' }, { worker: false });
    const created = await strict.graphql(
      'mutation { createTenant(input: { name: "ssrf" }) { apiKey { token } } }',
      {},
      strict.adminKey,
    );
    token = created.body.data.createTenant.apiKey.token;
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it.each([
    ['a private address', 'http://10.0.0.1/hook'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]/hook'],
    ['IPv4 loopback', 'http://127.0.0.1/hook'],
    ['a hex-encoded private address', 'http://0x0a000001/hook'],
    ['an IPv4-mapped IPv6 private address', 'http://[::ffff:10.0.0.1]/hook'],
    ['the unspecified address', 'http://0.0.0.0/hook'],
    ['a home network address', 'http://192.168.1.1/hook'],
    ['a name that resolves to loopback', 'http://localhost/hook'],
    ['a non-http scheme', 'gopher://example.com/'],
    ['a file URL', 'file:///etc/passwd'],
    ['credentials in the URL', 'https://admin:secret@example.com/hook'],
    ['an overlong URL', `https://example.com/${'a'.repeat(3000)}`],
  ])('refuses %s as BAD_USER_INPUT, on create and on update', async (_, url) => {
    const create = await strict.graphql(
      'mutation($url: String!) { createEndpoint(input: { url: $url }) { secret } }',
      { url },
      token,
    );
    expect(create.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(create.body.data).toBeNull();
  });

  it('refuses a private URL on update too', async () => {
    const created = await strict.graphql(
      'mutation { createEndpoint(input: { url: "https://93.184.215.14/hook" }) { endpoint { id } } }',
      {},
      token,
    );
    const id = created.body.data.createEndpoint.endpoint.id;
    const update = await strict.graphql(
      'mutation($id: ID!) { updateEndpoint(id: $id, input: { url: "http://169.254.169.254/" }) { url } }',
      { id },
      token,
    );
    expect(update.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
