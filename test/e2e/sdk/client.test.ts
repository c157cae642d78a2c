// The client's own methods (viewer, the graphql escape hatch) and how it reports who may not call,
// through the SDK against a real gateway.

import { freePort } from '@acme/infra-local/ports';
import { AcmeWebhooks, AuthenticationError, ConnectionError, PermissionError, TimeoutError } from '@acme/webhooks-sdk';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sdkTestBed } from './sdk-support.ts';

const bed = sdkTestBed({}, { worker: false });

describe('viewer', () => {
  it('tells the operator from a tenant, with the key that calls and its scopes', async () => {
    await expect(bed.operator().viewer()).resolves.toEqual({
      isOperator: true,
      tenant: null,
      apiKey: null,
      scopes: [],
      consumerId: null,
    });
    const { acme, tenantId, token } = await bed.tenant();
    const viewer = await acme.viewer();
    expect(viewer).toMatchObject({
      isOperator: false,
      tenant: { id: tenantId, name: 'Test tenant', status: 'ACTIVE' },
      apiKey: { name: 'Default key', scopes: ['FULL_ACCESS'], revokedAt: null, lastUsedAt: expect.any(String) },
      scopes: ['FULL_ACCESS'],
      consumerId: null,
    });
    expect(token.startsWith(viewer.apiKey!.prefix)).toBe(true);
    const listed = await acme.apiKeys.list();
    expect(listed.items.map((k) => k.id)).toEqual([viewer.apiKey!.id]);
  });
});

describe('authentication and permissions', () => {
  it('throws AuthenticationError for an unknown key', async () => {
    const error = await bed
      .sdk('acme_sk_not-a-real-key')
      .viewer()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('throws PermissionError when a tenant key calls an operator operation, or the operator a tenant one', async () => {
    const { acme } = await bed.tenant();
    await expect(acme.tenants.create({ name: 'Not allowed' })).rejects.toBeInstanceOf(PermissionError);
    await expect(bed.operator().eventTypes.create({ name: 'a.b' })).rejects.toMatchObject({
      name: 'PermissionError',
      code: 'FORBIDDEN',
      status: 403,
    });
  });
});

describe('the network', () => {
  it('reports a gateway that does not listen as ConnectionError, and one that never answers as TimeoutError', async () => {
    const closed = new AcmeWebhooks({ apiKey: 'k', baseUrl: `http://127.0.0.1:${await freePort()}`, maxRetries: 0 });
    const refused = await closed.viewer().catch((e) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(refused).toMatchObject({ code: 'CONNECTION_ERROR', message: expect.stringContaining('ECONNREFUSED') });

    const silent = await bed.receiver(() => null);
    const hanging = new AcmeWebhooks({ apiKey: 'k', baseUrl: new URL(silent.url).origin, timeoutMs: 300, maxRetries: 1 });
    const timedOut = await hanging.viewer().catch((e) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut).toMatchObject({ code: 'TIMEOUT' });
    // A query is retried after a timeout: two tries reached the server.
    expect(silent.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /graphql', 'POST /graphql']);
  });
});

describe('acme.graphql', () => {
  it('runs a string operation and a DocumentNode without source text, typed by the caller', async () => {
    const { acme, tenantId } = await bed.tenant();
    const data = await acme.graphql<{ viewer: { tenant: { id: string } } }>('{ viewer { tenant { id } } }');
    expect(data.viewer.tenant.id).toBe(tenantId);

    const { endpoint } = await acme.endpoints.create({ url: 'http://127.0.0.1:9/x', description: 'via AST' });
    const document = parse('query Endpoint($id: ID!) { endpoint(id: $id) { id description } }', { noLocation: true });
    await expect(acme.graphql(document, { id: endpoint.id })).resolves.toEqual({
      endpoint: { id: endpoint.id, description: 'via AST' },
    });
    await expect(acme.graphql('{ nope }')).rejects.toMatchObject({
      name: 'InvalidRequestError',
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
  });
});
