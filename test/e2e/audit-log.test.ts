import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { createTenantWithEventType, type TestTenant } from '../support/scenario.ts';

// The audit log names the key that acted, resolved by the API (revoked keys and portal sessions
// included), so a client never has to list keys to say who made a change.

let gateway: TestGateway;
let tenant: TestTenant;

beforeAll(async () => {
  gateway = await startTestGateway({}, { worker: false });
  tenant = await createTenantWithEventType(gateway, 'Audit Co');
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
});

async function ok(query: string, variables: Record<string, unknown> = {}, token = tenant.token) {
  const { body } = await gateway.graphql(query, variables, token);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const CREATE_ENDPOINT = 'mutation($url: String!) { createEndpoint(input: { url: $url }) { endpoint { id } } }';

describe('the audit log’s actor', () => {
  it('names the key that acted, a revoked key and a portal session too, and no key for the operator', async () => {
    const deployer = await ok(
      'mutation { createApiKey(input: { name: "ci-deployer", scopes: [FULL_ACCESS] }) { apiKey { id } token } }',
    );
    const byDeployer = await ok(CREATE_ENDPOINT, { url: 'http://127.0.0.1:9/deployer' }, deployer.createApiKey.token);
    await ok('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: deployer.createApiKey.apiKey.id });
    const session = await ok('mutation { createPortalSession(consumerId: "globex") { token } }');
    const bySession = await ok(CREATE_ENDPOINT, { url: 'http://127.0.0.1:9/globex' }, session.createPortalSession.token);

    const { auditLog } = await ok(
      `{ auditLog(first: 100) { edges { node { action actorKind targetId
           apiKey { id name scopes consumerId revokedAt } } } } }`,
    );
    const entries = auditLog.edges.map((e: any) => e.node);
    const of = (targetId: string) => entries.find((e: any) => e.targetId === targetId);
    expect(of(byDeployer.createEndpoint.endpoint.id)).toMatchObject({
      action: 'createEndpoint',
      actorKind: 'API_KEY',
      apiKey: {
        id: deployer.createApiKey.apiKey.id,
        name: 'ci-deployer',
        scopes: ['FULL_ACCESS'],
        revokedAt: expect.any(String),
      },
    });
    expect(of(bySession.createEndpoint.endpoint.id)).toMatchObject({
      actorKind: 'PORTAL_SESSION',
      apiKey: { scopes: ['PORTAL'], consumerId: 'globex' },
    });
    expect(entries.find((e: any) => e.action === 'createTenant')).toMatchObject({ actorKind: 'OPERATOR', apiKey: null });
  });

  it('filters by an action of the AuditAction enum, and refuses a name that is not one', async () => {
    const { auditLog } = await ok('{ auditLog(filter: { action: revokeApiKey }) { edges { node { action } } } }');
    expect(auditLog.edges.map((e: any) => e.node.action)).toEqual(['revokeApiKey']);
    const refused = await gateway.graphql(
      'query($a: AuditAction) { auditLog(filter: { action: $a }) { edges { node { id } } } }',
      { a: 'dropTables' },
      tenant.token,
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
