import { endpointSecrets } from '@acme/schema/db';
import { asc, eq, gt } from 'drizzle-orm';
import { decryptWithKey, encryptWithKey } from '../crypto/secret-box.ts';
import type { Db } from '../db/client.ts';
import { secretAssociatedData } from './signing-secrets.ts';

export interface ReencryptOptions {
  /** The master key being retired. */
  from: Buffer;
  /** The master key secrets end up under. */
  to: Buffer;
  /** Rows per transaction. */
  batchSize?: number;
  /** Count what would change, change nothing. */
  dryRun?: boolean;
  onBatch?: (progress: ReencryptProgress) => void;
}

export interface ReencryptProgress {
  scanned: number;
  reencrypted: number;
  /** Already under the new key: a resumed or repeated run skips them. */
  alreadyCurrent: number;
  /** Ids of secrets neither key opens: left as they are, for an operator to look at. */
  undecryptable: string[];
}

/**
 * Master-key rotation: re-encrypts every endpoint secret from the old master key to the new one,
 * in id order, one transaction per batch (rows locked while rewritten). Idempotent and resumable:
 * each row is first tried under the new key, so rows done by an earlier, interrupted run are skipped.
 */
export async function reencryptEndpointSecrets(db: Db, options: ReencryptOptions): Promise<ReencryptProgress> {
  const { from, to, batchSize = 500, dryRun = false } = options;
  const progress: ReencryptProgress = { scanned: 0, reencrypted: 0, alreadyCurrent: 0, undecryptable: [] };
  let after = '';
  for (;;) {
    const batchSizeSeen = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: endpointSecrets.id, endpointId: endpointSecrets.endpointId, ciphertext: endpointSecrets.ciphertext })
        .from(endpointSecrets)
        .where(gt(endpointSecrets.id, after))
        .orderBy(asc(endpointSecrets.id))
        .limit(batchSize)
        .for('update');
      for (const row of rows) {
        const associatedData = secretAssociatedData(row.id, row.endpointId);
        if (opens(to, row.ciphertext, associatedData)) {
          progress.alreadyCurrent++;
          continue;
        }
        let plaintext: string;
        try {
          plaintext = decryptWithKey(from, row.ciphertext, associatedData);
        } catch {
          progress.undecryptable.push(row.id);
          continue;
        }
        if (!dryRun) {
          await tx
            .update(endpointSecrets)
            .set({ ciphertext: encryptWithKey(to, plaintext, associatedData) })
            .where(eq(endpointSecrets.id, row.id));
        }
        progress.reencrypted++;
      }
      progress.scanned += rows.length;
      after = rows.at(-1)?.id ?? after;
      return rows.length;
    });
    if (batchSizeSeen > 0) options.onBatch?.({ ...progress, undecryptable: [...progress.undecryptable] });
    if (batchSizeSeen < batchSize) return progress;
  }
}

function opens(key: Buffer, ciphertext: string, associatedData: string): boolean {
  try {
    decryptWithKey(key, ciphertext, associatedData);
    return true;
  } catch {
    return false;
  }
}
