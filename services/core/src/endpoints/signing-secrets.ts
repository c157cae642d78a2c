import { endpointSecrets } from '@acme/schema/db';
import { and, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { decryptSecret, type MasterKeys } from '../crypto/secret-box.ts';
import type { DbOrTx } from '../db/client.ts';

/** Binds each ciphertext to its row, so a secret copied onto another endpoint fails to decrypt. */
export function secretAssociatedData(secretId: string, endpointId: string): string {
  return `${secretId}:${endpointId}`;
}

/** Every secret that signs right now per endpoint: the current one and any still in a rotation grace period. */
export async function loadSigningSecrets(db: DbOrTx, masterKeys: MasterKeys, endpointIds: readonly string[]) {
  const byEndpoint = new Map<string, string[]>();
  if (endpointIds.length === 0) return byEndpoint;
  const rows = await db
    .select()
    .from(endpointSecrets)
    .where(
      and(
        inArray(endpointSecrets.endpointId, [...endpointIds]),
        or(isNull(endpointSecrets.expiresAt), gt(endpointSecrets.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(endpointSecrets.createdAt);
  for (const row of rows) {
    const secret = decryptSecret(masterKeys, row.ciphertext, secretAssociatedData(row.id, row.endpointId));
    byEndpoint.set(row.endpointId, [...(byEndpoint.get(row.endpointId) ?? []), secret]);
  }
  return byEndpoint;
}
