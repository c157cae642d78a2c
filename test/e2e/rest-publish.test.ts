import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, waitForDelivery } from '../support/scenario.ts';

let gateway: TestGateway;
let receiver: Receiver;

beforeAll(async () => {
  gateway = await startTestGateway();
  receiver = await startReceiver();
});

afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /v1/events', () => {
  it('accepts an event with 202 and its delivery ids, and delivers it', async () => {
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: receiver.url });
    const response = await post(
      { eventType: 'invoice.paid', payload: { via: 'rest' } },
      { authorization: `Bearer ${tenant.token}` },
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; deliveryIds: string[] };
    expect(body.id).toMatch(/^evt_/);
    expect(body.deliveryIds).toHaveLength(1);
    await waitForDelivery(gateway, tenant.token, body.deliveryIds[0]!, (d) => d.status === 'SUCCEEDED');
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === body.id)).toBe(true);
  });

  it('honours the Idempotency-Key header', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const headers = { authorization: `Bearer ${tenant.token}`, 'idempotency-key': 'once' };
    const first = (await (await post({ eventType: 'invoice.paid', payload: {} }, headers)).json()) as { id: string };
    const second = (await (await post({ eventType: 'invoice.paid', payload: {} }, headers)).json()) as { id: string };
    expect(second.id).toBe(first.id);
  });

  it.each([
    ['no key', {}, { eventType: 'invoice.paid', payload: {} }, 401, 'UNAUTHENTICATED'],
    ['the operator key', 'admin', { eventType: 'invoice.paid', payload: {} }, 403, 'FORBIDDEN'],
    ['an unknown event type', 'tenant', { eventType: 'nope', payload: {} }, 422, 'BAD_USER_INPUT'],
    ['no payload', 'tenant', { eventType: 'invoice.paid' }, 400, 'BAD_USER_INPUT'],
    ['a payload over 256 KiB', 'tenant', { eventType: 'invoice.paid', payload: 'x'.repeat(300_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with problem+json', async (_, who, body, status, code) => {
    const tenant = await createTenantWithEventType(gateway);
    const auth: Record<string, string> =
      who === 'admin'
        ? { authorization: `Bearer ${gateway.adminKey}` }
        : who === 'tenant'
          ? { authorization: `Bearer ${tenant.token}` }
          : {};
    const response = await post(body, auth);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status, code });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const response = await post('{"eventType": ', { authorization: `Bearer ${tenant.token}` });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
