import { WebhookVerificationError as ReferenceVerificationError, Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './sign-webhook.ts';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.ts';

// The Standard Webhooks test vector (standard-webhooks/standard-webhooks, libraries/*/tests):
// this secret, id, timestamp and body sign to this signature.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const body = '{"test": 2432232314}';
const at = new Date(1614265330 * 1000);
const headers = {
  'webhook-id': id,
  'webhook-timestamp': '1614265330',
  'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const atVector = { now: () => at };

/** What the reference implementation says of the same input: the payload, or that it refuses. */
function reference(key: string, payload: string, h: Record<string, string>): unknown {
  try {
    return new Webhook(key).verify(payload, h);
  } catch (err) {
    if (err instanceof ReferenceVerificationError) return 'refused';
    throw err;
  }
}

async function ours(key: string, payload: string, h: Record<string, string>): Promise<unknown> {
  try {
    return await verifyWebhook(key, payload, h);
  } catch (err) {
    if (err instanceof WebhookVerificationError) return 'refused';
    throw err;
  }
}

describe('verifyWebhook', () => {
  it('accepts the specification test vector', async () => {
    await expect(verifyWebhook(secret, body, headers, atVector)).resolves.toEqual({ test: 2432232314 });
  });

  it('accepts the secret with or without its whsec_ prefix', async () => {
    await expect(verifyWebhook(secret.slice('whsec_'.length), body, headers, atVector)).resolves.toEqual({ test: 2432232314 });
  });

  it.each([
    ['needs no padding', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['needs one "="', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS'],
    ['needs two "="', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr'],
  ])('accepts an unpadded secret that %s, as the reference does', async (_, unpadded) => {
    const signed = await signWebhook(`whsec_${unpadded}`, { id, body });
    await expect(verifyWebhook(`whsec_${unpadded}`, body, { ...signed })).resolves.toEqual({ test: 2432232314 });
    expect(reference(`whsec_${unpadded}`, body, { ...signed })).toEqual({ test: 2432232314 });
  });

  it('accepts when any one of several signatures matches, ignoring other versions (secret rotation)', async () => {
    const several = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      headers['webhook-signature'],
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
    ].join(' ');
    await expect(verifyWebhook(secret, body, { ...headers, 'webhook-signature': several }, atVector)).resolves.toBeTruthy();
  });

  it('takes the body as bytes (Buffer, Uint8Array, ArrayBuffer) and headers as a Headers or a Node header object', async () => {
    const bytes = new TextEncoder().encode(body);
    await expect(verifyWebhook(secret, bytes, new Headers(headers), atVector)).resolves.toEqual({ test: 2432232314 });
    await expect(verifyWebhook(secret, bytes.buffer, headers, atVector)).resolves.toEqual({ test: 2432232314 });
    await expect(verifyWebhook(secret, Buffer.from(body), { 'Webhook-Id': id, ...headers }, atVector)).resolves.toBeTruthy();
  });

  it.each([
    ['a changed body', body.replace('2432', '2433'), headers, 'no_matching_signature'],
    [
      'a wrong signature',
      body,
      { ...headers, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' },
      'no_matching_signature',
    ],
    ['a partial signature', body, { ...headers, 'webhook-signature': 'v1,' }, 'no_matching_signature'],
    [
      'a truncated signature',
      body,
      { ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, 8) },
      'no_matching_signature',
    ],
    [
      'another version',
      body,
      { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1', 'v2') },
      'no_matching_signature',
    ],
    ['a changed id', body, { ...headers, 'webhook-id': 'msg_other' }, 'no_matching_signature'],
    [
      'a missing id',
      body,
      { 'webhook-timestamp': '1614265330', 'webhook-signature': headers['webhook-signature'] },
      'missing_header',
    ],
    ['a missing timestamp', body, { 'webhook-id': id, 'webhook-signature': headers['webhook-signature'] }, 'missing_header'],
    ['a missing signature', body, { 'webhook-id': id, 'webhook-timestamp': '1614265330' }, 'missing_header'],
    ['a timestamp that is not a number', body, { ...headers, 'webhook-timestamp': 'hello' }, 'invalid_timestamp'],
  ])('refuses %s', async (_, b, h, reason) => {
    await expect(verifyWebhook(secret, b, h, atVector)).rejects.toMatchObject({ name: 'WebhookVerificationError', reason });
  });

  it('refuses a secret that is not base64', async () => {
    await expect(verifyWebhook('whsec_###', body, headers, atVector)).rejects.toMatchObject({ reason: 'invalid_secret' });
  });

  it('refuses a body that is signed but not JSON', async () => {
    const signed = await signWebhook(secret, { id, body: 'not json' });
    await expect(verifyWebhook(secret, 'not json', { ...signed })).rejects.toMatchObject({ reason: 'invalid_body' });
  });

  it('refuses a timestamp outside the 5-minute tolerance, either way', async () => {
    const later = new Date(at.getTime() + 301_000);
    const earlier = new Date(at.getTime() - 301_000);
    await expect(verifyWebhook(secret, body, headers, { now: () => later })).rejects.toMatchObject({
      reason: 'timestamp_too_old',
    });
    await expect(verifyWebhook(secret, body, headers, { now: () => earlier })).rejects.toMatchObject({
      reason: 'timestamp_too_new',
    });
    await expect(verifyWebhook(secret, body, headers, { now: () => new Date(at.getTime() + 300_000) })).resolves.toBeTruthy();
    await expect(verifyWebhook(secret, body, headers, { now: () => later, toleranceSeconds: 600 })).resolves.toBeTruthy();
  });
});

describe('verifyWebhook against the standardwebhooks package', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const fresh = (ts: number, h: Record<string, string> = {}) => ({ ...h, 'webhook-timestamp': String(ts) });

  it('agrees on the test vector re-signed at the current time, and on each way of breaking it', async () => {
    const ts = now();
    const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
    const valid = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    const cases: [string, Record<string, string>][] = [
      [body, valid],
      [`${body} `, valid],
      [body, { ...valid, 'webhook-id': `${id}x` }],
      [body, fresh(ts + 1, valid)],
      [body, fresh(ts - 301, valid)],
      [body, fresh(ts + 301, valid)],
      [body, { ...valid, 'webhook-signature': `v1a,${signature.slice(3)}` }],
      [body, { ...valid, 'webhook-signature': `v1,AAAA ${signature}` }],
      [body, { ...valid, 'webhook-signature': signature.slice(0, -2) }],
    ];
    for (const [payload, h] of cases) {
      const expected = reference(secret, payload, h);
      expect(await ours(secret, payload, h), `${payload} ${JSON.stringify(h)}`).toEqual(expected);
    }
  });

  it('agrees on random secrets, ids and bodies, signed by either side', async () => {
    for (let i = 0; i < 25; i++) {
      const key = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24 + (i % 41)))).toString('base64')}`;
      const msgId = `msg_${crypto.randomUUID()}`;
      const payload = JSON.stringify({ i, text: 'ünïcødé ✓', list: [1, 2, 3], nested: { at: new Date().toISOString() } });
      const ts = new Date();
      const theirs = new Webhook(key).sign(msgId, ts, payload);
      const mine = await signWebhook(key, { id: msgId, body: payload, timestamp: ts });
      expect(mine['webhook-signature']).toBe(theirs);
      expect(await ours(key, payload, { ...mine })).toEqual(JSON.parse(payload));
      expect(reference(key, payload, { ...mine })).toEqual(JSON.parse(payload));
    }
  });
});

describe('signWebhook', () => {
  it('reproduces the specification test vector', async () => {
    await expect(signWebhook(secret, { id, body, timestamp: at })).resolves.toEqual(headers);
    await expect(signWebhook(secret, { id, body, timestamp: 1614265330 })).resolves.toEqual(headers);
  });
});
