import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, decryptWithKey, encryptSecret } from './secret-box.ts';

describe('secret box', () => {
  const keys = { current: randomBytes(32) };

  it('round-trips a secret and never stores it in the clear', () => {
    const sealed = encryptSecret(keys, 'whsec_abc', 'row-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(decryptSecret(keys, sealed, 'row-1')).toBe('whsec_abc');
  });

  it('refuses a ciphertext moved to another row, or opened with another key', () => {
    const sealed = encryptSecret(keys, 'whsec_abc', 'row-1');
    expect(() => decryptSecret(keys, sealed, 'row-2')).toThrow();
    expect(() => decryptSecret({ current: randomBytes(32) }, sealed, 'row-1')).toThrow();
  });

  it('during a master-key rotation, opens secrets under either key and seals only under the new one', () => {
    const old = randomBytes(32);
    const rotating = { current: randomBytes(32), previous: old };
    const underOld = encryptSecret({ current: old }, 'whsec_old', 'row-1');
    expect(decryptSecret(rotating, underOld, 'row-1')).toBe('whsec_old');
    const underNew = encryptSecret(rotating, 'whsec_new', 'row-2');
    expect(decryptWithKey(rotating.current, underNew, 'row-2')).toBe('whsec_new');
    expect(() => decryptWithKey(old, underNew, 'row-2')).toThrow();
  });
});
