import { endpointSecrets } from '@acme/schema/db';
import { and, inArray, sql } from 'drizzle-orm';
import { decryptSecret, type MasterKeys } from '../crypto/secret-box.ts';
import type { DbOrTx } from '../db/client.ts';

/** Binds each ciphertext to its row, so a secret copied onto another endpoint fails to decrypt. */
export function secretAssociatedData(secretId: string, endpointId: string): string {
  return `${secretId}:${endpointId}`;
}

/**
 * Which of an endpoint's secrets sign right now (the current one and any still in a rotation's grace
 * period), as SQL over `endpoint_secrets` aliased `alias`: one definition for the claim, which carries
 * them sealed (due-delivery.ts), and for loadSigningSecrets.
 */
export function signingNow(alias: string): string {
  return `(${alias}.expires_at is null or ${alias}.expires_at > now())`;
}

/** A secret as stored, encrypted under the master key: opened only where it signs. */
export interface SealedSecret {
  id: string;
  ciphertext: string;
}

/** Opened secrets by endpoint, secret id and ciphertext, per master key: each is decrypted once per process. */
const opened = new WeakMap<MasterKeys, Map<string, string>>();
const OPENED_MAX = 10_000;

/**
 * An endpoint's signing secrets in plain text, from the sealed ones a claim carries. Decrypted once
 * each and then remembered (a new ciphertext, after a rotation of the secret or of the master key,
 * is a new entry); throws when one does not open under the master keys.
 */
export function openSigningSecrets(masterKeys: MasterKeys, endpointId: string, sealed: readonly SealedSecret[]): string[] {
  const cache = opened.get(masterKeys) ?? new Map<string, string>();
  opened.set(masterKeys, cache);
  return sealed.map(({ id, ciphertext }) => {
    const key = `${endpointId}:${id}:${ciphertext}`;
    let secret = cache.get(key);
    if (secret === undefined) {
      secret = decryptSecret(masterKeys, ciphertext, secretAssociatedData(id, endpointId));
      if (cache.size >= OPENED_MAX) cache.clear();
      cache.set(key, secret);
    }
    return secret;
  });
}

/** Every secret that signs right now per endpoint: the current one and any still in a rotation grace period. */
export async function loadSigningSecrets(db: DbOrTx, masterKeys: MasterKeys, endpointIds: readonly string[]) {
  const byEndpoint = new Map<string, string[]>();
  if (endpointIds.length === 0) return byEndpoint;
  const rows = await db
    .select()
    .from(endpointSecrets)
    .where(and(inArray(endpointSecrets.endpointId, [...endpointIds]), sql.raw(signingNow('endpoint_secrets'))))
    .orderBy(endpointSecrets.createdAt);
  for (const row of rows) {
    const secret = decryptSecret(masterKeys, row.ciphertext, secretAssociatedData(row.id, row.endpointId));
    byEndpoint.set(row.endpointId, [...(byEndpoint.get(row.endpointId) ?? []), secret]);
  }
  return byEndpoint;
}
