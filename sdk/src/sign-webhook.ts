import { bodyText, bytesToBase64, importSecret, signedContent } from './webhook-signature.ts';

export interface SignedWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The Standard Webhooks headers the gateway would send for this body, so a receiver's own tests
 * can make signed requests without a gateway.
 */
export async function signWebhook(
  secret: string,
  message: { id: string; body: string | Uint8Array | ArrayBuffer; timestamp?: Date | number },
): Promise<SignedWebhookHeaders> {
  const key = await importSecret(secret, 'sign');
  if (!key) throw new TypeError('The secret is not valid base64 (expected whsec_...).');
  const at = message.timestamp ?? new Date();
  const timestamp = String(typeof at === 'number' ? Math.floor(at) : Math.floor(at.getTime() / 1000));
  const signature = await crypto.subtle.sign('HMAC', key, signedContent(message.id, timestamp, bodyText(message.body)));
  return { 'webhook-id': message.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${bytesToBase64(signature)}` };
}
