import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys read `acme_sk_…`, portal sessions `acme_ps_…`: recognisable in a leak report, and by secret scanners. */
export type TokenKind = 'acme_sk_' | 'acme_ps_';

/** 32 random bytes; only the SHA-256 is stored, with a short display prefix. */
export function generateApiToken(kind: TokenKind = 'acme_sk_'): { token: string; hash: string; prefix: string } {
  const token = `${kind}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, kind.length + 6) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares digests, so neither the length nor the content of the secret leaks through timing. */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
