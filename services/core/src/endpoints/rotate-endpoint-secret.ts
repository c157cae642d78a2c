import { endpointSecrets, endpoints } from '@acme/schema/db';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import { encryptSecret } from '../crypto/secret-box.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { generateWebhookSecret } from '../delivery/signature.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { EndpointSettings } from './create-endpoint.ts';
import { endpointVisibleTo } from './endpoint-scope.ts';
import { loadSigningSecrets, secretAssociatedData } from './signing-secrets.ts';

const DEFAULT_GRACE_SECONDS = 24 * 3600;
const MAX_GRACE_SECONDS = 7 * 24 * 3600;

/**
 * A new signing secret for the endpoint. The old one keeps signing beside it for the grace period
 * (every request carries one `v1,` signature per secret), so receivers can switch without a gap.
 */
export async function rotateEndpointSecret(
  db: Db,
  settings: EndpointSettings,
  caller: TenantCaller,
  endpointId: string,
  graceSeconds: number | null | undefined,
) {
  const { tenantId } = caller;
  const grace = graceSeconds ?? DEFAULT_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
    throw new InvalidInputError(`graceSeconds must be between 0 and ${MAX_GRACE_SECONDS} (7 days).`, { field: 'graceSeconds' });
  }
  return inTenant(db, tenantId, async (tx) => {
    const [endpoint] = await tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, endpointId)))
      .for('update');
    if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
    // Every older secret signs at most until the new grace ends: a rotation with no grace (a leaked
    // secret) stops them all at once, not only the latest.
    const [previous] = await tx
      .update(endpointSecrets)
      .set({ expiresAt: sql`least(coalesce(${endpointSecrets.expiresAt}, 'infinity'), now() + ${grace} * interval '1 second')` })
      .where(
        and(
          eq(endpointSecrets.endpointId, endpointId),
          or(isNull(endpointSecrets.expiresAt), gt(endpointSecrets.expiresAt, sql`now()`)),
        ),
      )
      .returning({ expiresAt: endpointSecrets.expiresAt });
    const secret = generateWebhookSecret();
    const id = newId('whsec');
    await tx.insert(endpointSecrets).values({
      id,
      endpointId,
      tenantId,
      ciphertext: encryptSecret(settings.secretsMasterKey, secret, secretAssociatedData(id, endpointId)),
    });
    await recordAudit(tx, caller, 'rotateEndpointSecret', endpointId, { graceSeconds: grace });
    return { secret, previousSecretExpiresAt: previous?.expiresAt ?? null };
  });
}

/** The endpoint's current signing secret, for a tenant who lost it. */
export async function getEndpointSecret(
  db: Db,
  settings: EndpointSettings,
  caller: TenantCaller,
  endpointId: string,
): Promise<string> {
  return inTenant(db, caller.tenantId, async (tx) => {
    const [endpoint] = await tx
      .select({ id: endpoints.id })
      .from(endpoints)
      .where(and(endpointVisibleTo(caller), eq(endpoints.id, endpointId)));
    if (!endpoint) throw new NotFoundError(`No endpoint ${endpointId}.`);
    const secrets = (await loadSigningSecrets(tx, settings.secretsMasterKey, [endpointId])).get(endpointId) ?? [];
    // Ordered oldest first; the newest is the current one.
    return secrets.at(-1) as string;
  });
}
