import { apiKeys, tenants } from '@acme/schema/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { API_KEY_SCOPES, type TenantCaller } from '../auth/principal.ts';
import { generateApiToken } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';
import { apiKeyColumns } from './api-key-columns.ts';

const input = z.object({
  name: z.string().trim().min(1).max(200),
  scopes: z
    .array(
      z.enum(API_KEY_SCOPES, {
        message: 'scopes are FULL_ACCESS, READ_ONLY or PUBLISH_ONLY (portal keys come from createPortalSession)',
      }),
    )
    .min(1)
    .max(3),
  expiresAt: z.date().nullish(),
});

/** A new API key for the caller's tenant; the token is returned this once only (only its hash is kept). */
export async function createApiKey(db: Db, caller: TenantCaller, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  if (data.expiresAt && data.expiresAt.getTime() <= Date.now())
    throw new InvalidInputError('expiresAt must be in the future.', { field: 'expiresAt' });
  const key = generateApiToken('acme_sk_');
  return inTenant(db, caller.tenantId, async (tx) => {
    const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, caller.tenantId));
    if (!tenant) throw new NotFoundError(`No tenant ${caller.tenantId}.`);
    const [apiKey] = await tx
      .insert(apiKeys)
      .values({
        id: newId('key'),
        tenantId: caller.tenantId,
        name: data.name,
        prefix: key.prefix,
        hash: key.hash,
        scopes: [...new Set(data.scopes)],
        expiresAt: data.expiresAt ?? null,
      })
      .returning(apiKeyColumns);
    await recordAudit(tx, caller, 'createApiKey', apiKey!.id, data);
    return { apiKey: apiKey!, token: key.token };
  });
}
