import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = encryptSecret(key, 'whsec_abc', 'row-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(decryptSecret(key, sealed, 'row-1')).toBe('whsec_abc');
  });

  it('refuses a ciphertext moved to another row, or opened with another key', () => {
    const sealed = encryptSecret(key, 'whsec_abc', 'row-1');
    expect(() => decryptSecret(key, sealed, 'row-2')).toThrow();
    expect(() => decryptSecret(randomBytes(32), sealed, 'row-1')).toThrow();
  });
});
