// Standard Webhooks symmetric signatures (v1): HMAC-SHA256 with the endpoint's secret over
// "{webhook-id}.{webhook-timestamp}.{body}", base64. Web Crypto only, for Node, edge runtimes,
// Deno and browsers alike.

const encoder = new TextEncoder();

// Named through Web Crypto itself: `CryptoKey` is a DOM global that Node-only type setups lack.
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional); null when it is not base64. */
export async function importSecret(secret: string, usage: 'sign' | 'verify'): Promise<HmacKey | null> {
  const bytes =
    typeof secret === 'string' ? base64ToBytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret) : null;
  if (!bytes || bytes.length === 0) return null;
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** Standard Webhooks §signature: sign "{id}.{timestamp}.{body}". */
export function signedContent(id: string, timestamp: string, body: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${id}.${timestamp}.${body}`);
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

export function bytesToBase64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function bodyText(rawBody: string | Uint8Array | ArrayBuffer): string {
  return typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
}
