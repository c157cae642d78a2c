import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The master keys: `current` encrypts; `current`, then `previous`, decrypt. During a master-key
 * rotation every process runs with both, so secrets already re-encrypted and those not yet both sign.
 */
export interface MasterKeys {
  current: Buffer;
  previous?: Buffer | undefined;
}

/** AES-256-GCM under the current key: base64 of iv ‖ tag ‖ ciphertext. The associated data binds a ciphertext to its row. */
export function encryptSecret(keys: MasterKeys, plaintext: string, associatedData: string): string {
  return encryptWithKey(keys.current, plaintext, associatedData);
}

export function decryptSecret(keys: MasterKeys, encoded: string, associatedData: string): string {
  if (!keys.previous) return decryptWithKey(keys.current, encoded, associatedData);
  try {
    return decryptWithKey(keys.current, encoded, associatedData);
  } catch {
    return decryptWithKey(keys.previous, encoded, associatedData);
  }
}

export function encryptWithKey(key: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Throws when the key, the associated data or the ciphertext is not the one it was sealed with. */
export function decryptWithKey(key: Buffer, encoded: string, associatedData: string): string {
  const raw = Buffer.from(encoded, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
