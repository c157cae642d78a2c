// verifyWebhook on requests the gateway really sent to a receiver on loopback, as a customer's
// receiver sees them: raw body and Node's header object.
import { signWebhook, verifyWebhook, WebhookVerificationError } from '@acme/webhooks-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createTenantWithEventType } from '../../support/scenario.ts';
import { sdk } from './sdk-support.ts';

let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway();
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await gateway?.stop();
});

describe('verifyWebhook on delivered requests', () => {
  it('verifies a delivered webhook and returns its typed body', async () => {
    const target = await startReceiver();
    receivers.push(target);
    const { token } = await createTenantWithEventType(gateway);
    const acme = sdk(gateway, token);
    const { secret } = await acme.endpoints.create({ url: target.url });
    const { event } = await acme.events.publish({ eventType: 'invoice.paid', payload: { invoiceId: 'inv_7', amount: 700 } });

    const [request] = await target.waitFor(1);
    const payload = await verifyWebhook<{ invoiceId: string; amount: number }>(secret, request!.body, request!.headers);
    expect(payload).toEqual({ type: 'invoice.paid', timestamp: event.createdAt, data: { invoiceId: 'inv_7', amount: 700 } });
    expect(payload.data.amount).toBe(700);
    expect(request!.headers['webhook-id']).toBe(event.id);

    const other = (await acme.endpoints.create({ url: 'http://127.0.0.1:9/x' })).secret;
    await expect(verifyWebhook(other, request!.body, request!.headers)).rejects.toMatchObject({
      reason: 'no_matching_signature',
    });
    const tampered = request!.body.replace('700', '7000');
    await expect(verifyWebhook(secret, tampered, request!.headers)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(
      verifyWebhook(secret, Buffer.from(request!.body), new Headers(request!.headers as Record<string, string>)),
    ).resolves.toEqual(payload);
  });

  it('signWebhook makes the very headers the gateway sent, so receivers can test without a gateway', async () => {
    const target = await startReceiver();
    receivers.push(target);
    const { token } = await createTenantWithEventType(gateway);
    const acme = sdk(gateway, token);
    const { secret } = await acme.endpoints.create({ url: target.url });
    await acme.events.publish({ eventType: 'invoice.paid', payload: { invoiceId: 'inv_8' } });

    const [request] = await target.waitFor(1);
    const sent = {
      id: String(request!.headers['webhook-id']),
      timestamp: Number(request!.headers['webhook-timestamp']),
      body: request!.body,
    };
    await expect(signWebhook(secret, sent)).resolves.toEqual({
      'webhook-id': request!.headers['webhook-id'],
      'webhook-timestamp': request!.headers['webhook-timestamp'],
      'webhook-signature': request!.headers['webhook-signature'],
    });
  });

  it('verifies with the old and the new secret while a rotation is in its grace period', async () => {
    const target = await startReceiver();
    receivers.push(target);
    const { token } = await createTenantWithEventType(gateway);
    const acme = sdk(gateway, token);
    const { endpoint, secret: before } = await acme.endpoints.create({ url: target.url });
    const { secret: after } = await acme.endpoints.rotateSecret(endpoint.id, { graceSeconds: 3600 });
    await acme.events.publish({ eventType: 'invoice.paid', payload: { n: 1 } });

    const [request] = await target.waitFor(1);
    expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    await expect(verifyWebhook(before, request!.body, request!.headers)).resolves.toMatchObject({ data: { n: 1 } });
    await expect(verifyWebhook(after, request!.body, request!.headers)).resolves.toMatchObject({ data: { n: 1 } });
  });

  it('refuses a delivered request replayed after the tolerance', async () => {
    const target = await startReceiver();
    receivers.push(target);
    const { token } = await createTenantWithEventType(gateway);
    const acme = sdk(gateway, token);
    const { secret } = await acme.endpoints.create({ url: target.url });
    await acme.events.publish({ eventType: 'invoice.paid', payload: {} });
    const [request] = await target.waitFor(1);
    const tenMinutesLater = () => new Date(Date.now() + 600_000);
    await expect(verifyWebhook(secret, request!.body, request!.headers, { now: tenMinutesLater })).rejects.toMatchObject({
      reason: 'timestamp_too_old',
    });
  });
});
