import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from './signature.ts';
import { webhookBody, webhookHeaders } from './webhook-request.ts';

describe('signWebhook', () => {
  it('matches the Standard Webhooks reference test vector', () => {
    // From the Standard Webhooks specification's test vectors.
    const signature = signWebhook(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('produces one signature per secret, each verifiable on its own', () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const message = { eventId: 'evt_1', eventType: 'invoice.paid', eventCreatedAt: new Date(), payload: { n: 1 } };
    const body = webhookBody(message);
    const headers = webhookHeaders(message, body, [a, b], {}, new Date());
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [a, b]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    }
  });

  it('lets a custom header never override the signature headers', () => {
    const message = { eventId: 'evt_1', eventType: 't', eventCreatedAt: new Date(), payload: null };
    const body = webhookBody(message);
    const headers = webhookHeaders(
      message,
      body,
      [generateWebhookSecret()],
      { 'webhook-id': 'forged', 'x-team': 'a' },
      new Date(),
    );
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['x-team']).toBe('a');
  });
});
