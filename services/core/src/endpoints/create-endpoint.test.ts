import { auditLog } from '@acme/schema/db';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCidrList } from '../delivery/cidr.ts';
import { portalSession, tenantWithEndpoints, testDatabase, testSettings } from '../testing/fixtures.ts';
import { createEndpoint } from './create-endpoint.ts';

const database = testDatabase();
afterAll(() => database.close());
const url = 'http://127.0.0.1:9/hook';

describe('createEndpoint', () => {
  it('stores the endpoint and returns its secret once; the audit entry keeps header names, not values', async () => {
    const { tenant, caller } = await tenantWithEndpoints(database, 0);
    const { endpoint, secret } = await createEndpoint(database.db, testSettings, caller, {
      url,
      eventTypes: ['invoice.paid'],
      headers: { 'X-Receiver-Token': 'hunter2' },
      metadata: { team: 'billing' },
    });
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({
      url,
      eventTypes: ['invoice.paid'],
      headers: { 'x-receiver-token': 'hunter2' },
      status: 'ACTIVE',
    });
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenant.id), eq(auditLog.action, 'createEndpoint')));
    expect(entry).toMatchObject({ targetId: endpoint.id, details: { url, headers: { 'X-Receiver-Token': '[redacted]' } } });
    expect(JSON.stringify(entry)).not.toMatch(/hunter2|whsec_/);
  });

  it("gives a portal session's endpoint its consumer, and refuses another consumer", async () => {
    const { tenant } = await tenantWithEndpoints(database, 0);
    const portal = portalSession(tenant.id, 'cust_a');
    const { endpoint } = await createEndpoint(database.db, testSettings, portal, { url });
    expect(endpoint.consumerId).toBe('cust_a');
    await expect(createEndpoint(database.db, testSettings, portal, { url, consumerId: 'cust_b' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it.each([
    ['a private address', 'http://10.0.0.1/x'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'http://[::1]/x'],
    ['a hex-encoded private address', 'http://0x0a000001/x'],
    ['an IPv4-mapped IPv6 private address', 'http://[::ffff:10.0.0.1]/x'],
    ['the unspecified address', 'http://0.0.0.0/x'],
    ['a home network address', 'http://192.168.1.1/x'],
    ['a non-http scheme', 'file:///etc/passwd'],
    ['credentials in the URL', 'https://user:pass@example.com/x'],
    ['an overlong URL', `https://example.com/${'a'.repeat(3000)}`],
  ])('refuses %s as BAD_USER_INPUT when no private range is allowed', async (_, bad) => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const strict = { ...testSettings, privateDestinationsAllowed: parseCidrList('') };
    await expect(createEndpoint(database.db, strict, caller, { url: bad })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('accepts up to 20 custom headers of visible ASCII with inner spaces', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-H${i}`, `v ${i}\t"q";=/`]));
    const { endpoint } = await createEndpoint(database.db, testSettings, caller, { url, headers });
    expect(Object.keys(endpoint.headers)).toHaveLength(20);
    expect(endpoint.headers['x-h3']).toBe('v 3\t"q";=/');
  });

  it('refuses unknown event types, reserved headers and bad numbers', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    for (const input of [
      { url, eventTypes: ['no.such'] },
      { url, headers: { 'webhook-signature': 'v1,x' } },
      { url, headers: { 'x-a': 'line\nbreak' } },
      { url, headers: { 'x-a': 'nul\u0000byte' } },
      { url, headers: { 'x-a': 'bell\u0007' } },
      { url, headers: { 'x-a': 'caf\u00e9' } },
      { url, headers: { 'x-a': 'snow \u2603' } },
      { url, headers: { 'x-a': ' padded' } },
      { url, headers: { Expect: '100-continue' } },
      { url, headers: { Upgrade: 'websocket' } },
      { url, headers: { 'Keep-Alive': 'timeout=5' } },
      { url, headers: { TE: 'trailers' } },
      { url, headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v'])) },
      { url, headers: { 'x-a': 'a'.repeat(4096), 'x-b': 'b'.repeat(4096), 'x-c': 'c'.repeat(10) } },
      { url, timeoutMs: 10 },
      { url, rateLimit: 0 },
      { url, retrySchedule: 'later' },
    ]) {
      await expect(createEndpoint(database.db, testSettings, caller, input as never)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('names the custom header at fault, or the whole field for a limit on all of them', async () => {
    const { caller } = await tenantWithEndpoints(database, 0);
    const refusal = (headers: Record<string, string>) => createEndpoint(database.db, testSettings, caller, { url, headers });
    await expect(refusal({ 'X-Ok': 'fine', 'Bad Name': 'v' })).rejects.toMatchObject({ details: { field: 'headers/Bad Name' } });
    await expect(refusal({ 'X-Ok': 'fine', 'X.Note': 'line\nbreak' })).rejects.toMatchObject({
      details: { field: 'headers/X.Note' },
    });
    await expect(refusal(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v'])))).rejects.toMatchObject({
      details: { field: 'headers' },
    });
  });
});
