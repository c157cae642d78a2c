import { randomBytes } from 'node:crypto';
import { endpointSecrets } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWithKey, encryptWithKey } from '../crypto/secret-box.ts';
import type { Database } from '../db/client.ts';
import { createEventType } from '../event-types/create-event-type.ts';
import { newId } from '../ids.ts';
import { createTenant } from '../tenants/create-tenant.ts';
import { fullAccess, isolatedTestDatabase, testSettings } from '../testing/fixtures.ts';
import { createEndpoint } from './create-endpoint.ts';
import { reencryptEndpointSecrets } from './reencrypt-secrets.ts';
import { rotateEndpointSecret } from './rotate-endpoint-secret.ts';
import { loadSigningSecrets, secretAssociatedData } from './signing-secrets.ts';

// Rotation reads every secret in the database, so it gets a database of its own.
let database: Database;
beforeAll(async () => {
  database = await isolatedTestDatabase();
});
afterAll(() => database?.close());

/** `count` endpoints with secrets under `key`, one of them rotated (two secrets); returns every secret in the clear. */
async function endpointsUnder(key: Buffer, count: number) {
  const settings = { ...testSettings, secretsMasterKey: { current: key } };
  const { tenant } = await createTenant(database.db, { name: 'rotation' });
  const caller = fullAccess(tenant.id);
  await createEventType(database.db, caller, { name: 'invoice.paid' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await createEndpoint(database.db, settings, caller, { url: 'http://127.0.0.1:9/hook' })).endpoint.id);
  }
  await rotateEndpointSecret(database.db, settings, caller, ids[0]!, 3600);
  return { ids, secrets: await loadSigningSecrets(database.db, settings.secretsMasterKey, ids) };
}

async function ciphertexts() {
  const rows = await database.db.select().from(endpointSecrets);
  return new Map(rows.map((r) => [r.id, r]));
}

describe('reencryptEndpointSecrets (master-key rotation)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('re-encrypts every endpoint secret under the new key, batch by batch, and the same secrets still sign', async () => {
    const { ids, secrets } = await endpointsUnder(oldKey, 5);
    const batches: number[] = [];
    const result = await reencryptEndpointSecrets(database.db, {
      from: oldKey,
      to: newKey,
      batchSize: 2,
      onBatch: (p) => batches.push(p.scanned),
    });
    expect(result).toEqual({ scanned: 6, reencrypted: 6, alreadyCurrent: 0, undecryptable: [] });
    expect(batches).toEqual([2, 4, 6]);
    for (const row of (await ciphertexts()).values()) {
      expect(() => decryptWithKey(oldKey, row.ciphertext, secretAssociatedData(row.id, row.endpointId))).toThrow();
    }
    expect(await loadSigningSecrets(database.db, { current: newKey }, ids)).toEqual(secrets);
    expect(secrets.get(ids[0]!)).toHaveLength(2);
  });

  it('skips rows already under the new key, so an interrupted run resumes and a repeated run changes nothing', async () => {
    const from = randomBytes(32);
    const to = randomBytes(32);
    await database.db.delete(endpointSecrets);
    const { ids, secrets } = await endpointsUnder(from, 4);
    await expect(
      reencryptEndpointSecrets(database.db, {
        from,
        to,
        batchSize: 2,
        onBatch: () => {
          throw new Error('operator pressed Ctrl-C');
        },
      }),
    ).rejects.toThrow('Ctrl-C');
    // The first batch was committed before the interruption.
    const resumed = await reencryptEndpointSecrets(database.db, { from, to, batchSize: 2 });
    expect(resumed).toEqual({ scanned: 5, reencrypted: 3, alreadyCurrent: 2, undecryptable: [] });
    const before = await ciphertexts();
    const again = await reencryptEndpointSecrets(database.db, { from, to, batchSize: 2 });
    expect(again).toEqual({ scanned: 5, reencrypted: 0, alreadyCurrent: 5, undecryptable: [] });
    expect(await ciphertexts()).toEqual(before);
    expect(await loadSigningSecrets(database.db, { current: to }, ids)).toEqual(secrets);
  });

  it('reports a secret neither key opens, leaves it as it is, and re-encrypts the rest', async () => {
    const from = randomBytes(32);
    const to = randomBytes(32);
    await database.db.delete(endpointSecrets);
    const { ids } = await endpointsUnder(from, 2);
    const strayId = newId('whsec');
    const [first] = await database.db.select().from(endpointSecrets).where(eq(endpointSecrets.endpointId, ids[1]!));
    const stray = encryptWithKey(randomBytes(32), 'whsec_stray', secretAssociatedData(strayId, ids[1]!));
    await database.db
      .insert(endpointSecrets)
      .values({ id: strayId, endpointId: ids[1]!, tenantId: first!.tenantId, ciphertext: stray });
    const result = await reencryptEndpointSecrets(database.db, { from, to });
    expect(result).toEqual({ scanned: 4, reencrypted: 3, alreadyCurrent: 0, undecryptable: [strayId] });
    expect((await ciphertexts()).get(strayId)?.ciphertext).toBe(stray);
  });

  it('changes nothing on a dry run, and says what it would do', async () => {
    const from = randomBytes(32);
    await database.db.delete(endpointSecrets);
    await endpointsUnder(from, 2);
    const before = await ciphertexts();
    const result = await reencryptEndpointSecrets(database.db, { from, to: randomBytes(32), dryRun: true });
    expect(result).toEqual({ scanned: 3, reencrypted: 3, alreadyCurrent: 0, undecryptable: [] });
    expect(await ciphertexts()).toEqual(before);
  });
});
