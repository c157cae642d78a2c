import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const body = '{"test": 2432232314}';
const at = new Date(1614265330 * 1000);
// The Standard Webhooks specification's test vector.
const headers = {
  'webhook-id': id,
  'webhook-timestamp': '1614265330',
  'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('verifyWebhook', () => {
  it('accepts the specification test vector', async () => {
    await expect(verifyWebhook(secret, body, headers, { now: () => at })).resolves.toEqual({ test: 2432232314 });
  });

  it('agrees with the standardwebhooks package on a freshly signed message', async () => {
    const now = new Date();
    const signature = new Webhook(secret).sign(id, now, body);
    const fresh = { ...headers, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature };
    await expect(verifyWebhook(secret, body, new Headers(fresh))).resolves.toEqual({ test: 2432232314 });
    expect(new Webhook(secret).verify(body, fresh)).toEqual({ test: 2432232314 });
  });

  it('accepts when any one of several signatures matches (secret rotation)', async () => {
    const both = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    await expect(verifyWebhook(secret, body, both, { now: () => at })).resolves.toBeTruthy();
  });

  it.each([
    ['a changed body', body.replace('2432', '2433'), headers],
    ['a wrong signature', body, { ...headers, 'webhook-signature': 'v1,Zm9v' }],
    ['another version', body, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1', 'v2') }],
    ['a missing header', body, { 'webhook-id': id, 'webhook-timestamp': '1614265330' }],
  ])('refuses %s', async (_, b, h) => {
    await expect(verifyWebhook(secret, b, h, { now: () => at })).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it('refuses a timestamp outside the 5-minute tolerance', async () => {
    const later = new Date(at.getTime() + 301_000);
    await expect(verifyWebhook(secret, body, headers, { now: () => later })).rejects.toThrow(/too old/);
  });
});
