import { afterAll, describe, expect, it } from 'vitest';
import { createEndpoint } from '../endpoints/create-endpoint.ts';
import { deleteEndpoint } from '../endpoints/delete-endpoint.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { listAuditLog } from './list-audit-log.ts';
import { auditDetails } from './record-audit.ts';

const database = testDatabase();
afterAll(() => database.close());

describe('listAuditLog', () => {
  it('lists who did what, newest first, filtered by action and target, within the tenant', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const { endpoint } = await createEndpoint(database.db, testSettings, portalSession(tenant.id, 'acme', 'key_portal1'), {
      url: 'http://127.0.0.1:9/x',
    });
    await deleteEndpoint(database.db, caller, endpoint.id);
    const page = await listAuditLog(database.db, caller, { filter: { targetId: endpoint.id } });
    expect(page.nodes.map((e) => [e.action, e.actorKind, e.apiKeyId])).toEqual([
      ['deleteEndpoint', 'API_KEY', caller.actor.apiKeyId],
      ['createEndpoint', 'PORTAL_SESSION', 'key_portal1'],
    ]);
    expect((await listAuditLog(database.db, caller, { filter: { action: 'createTenant' } })).nodes).toHaveLength(1);
    expect((await listAuditLog(database.db, caller, { filter: { until: new Date(0) } })).nodes).toEqual([]);
    const stranger = await tenantWithEndpoints(database, 0);
    expect((await listAuditLog(database.db, stranger.caller, { filter: { targetId: endpoint.id } })).nodes).toEqual([]);
  });
});

describe('auditDetails', () => {
  it('leaves out payloads, secrets and tokens, and masks header values', () => {
    expect(
      auditDetails({
        url: 'https://x',
        payload: { card: '4242' },
        token: 't',
        secret: 's',
        example: { a: 1 },
        headers: { Authorization: 'Bearer abc' },
        limits: { maxPayloadBytes: 1, publishBurst: undefined },
        at: new Date(0),
      }),
    ).toEqual({ url: 'https://x', headers: { Authorization: '[redacted]' }, limits: { maxPayloadBytes: 1 }, at: new Date(0) });
  });
});
