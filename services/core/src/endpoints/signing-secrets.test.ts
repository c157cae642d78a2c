import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptSecret, type MasterKeys } from '../crypto/secret-box.ts';
import { openSigningSecrets, secretAssociatedData } from './signing-secrets.ts';

const keys = (): MasterKeys => ({ current: randomBytes(32) });
const seal = (masterKeys: MasterKeys, id: string, endpointId: string, plaintext: string) => ({
  id,
  ciphertext: encryptSecret(masterKeys, plaintext, secretAssociatedData(id, endpointId)),
});

describe('openSigningSecrets', () => {
  it('opens the sealed secrets a claim carries, in order; a changed ciphertext under a known id is opened afresh, and fails', () => {
    const masterKeys = keys();
    const sealed = [seal(masterKeys, 'sec_1', 'ep_1', 'whsec_old'), seal(masterKeys, 'sec_2', 'ep_1', 'whsec_new')];
    expect(openSigningSecrets(masterKeys, 'ep_1', sealed)).toEqual(['whsec_old', 'whsec_new']);
    // Remembered by ciphertext: a corrupted copy under the same id is a new entry, and fails.
    const tampered = [{ id: 'sec_1', ciphertext: `${sealed[0]!.ciphertext.slice(0, -4)}AAAA` }];
    expect(() => openSigningSecrets(masterKeys, 'ep_1', tampered)).toThrow();
    expect(openSigningSecrets(masterKeys, 'ep_1', sealed)).toEqual(['whsec_old', 'whsec_new']);
  });

  it('refuses a secret moved onto another endpoint, and one sealed under other master keys, even once opened elsewhere', () => {
    const masterKeys = keys();
    const sealed = [seal(masterKeys, 'sec_1', 'ep_1', 'whsec_a')];
    expect(openSigningSecrets(masterKeys, 'ep_1', sealed)).toEqual(['whsec_a']);
    expect(() => openSigningSecrets(masterKeys, 'ep_2', sealed)).toThrow();
    expect(() => openSigningSecrets(keys(), 'ep_1', sealed)).toThrow();
  });
});
