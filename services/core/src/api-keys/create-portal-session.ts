import { apiKeys } from '@acme/schema/db';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { TenantCaller } from '../auth/principal.ts';
import { generateApiToken } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { inTenant } from '../db/tenant-scope.ts';
import { newId } from '../ids.ts';
import { parseInput } from '../validation.ts';

export const PORTAL_SESSION_TTL = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 24 * 3600 } as const;

const input = z.object({
  consumerId: z.string().trim().min(1).max(200),
  ttlSeconds: z.number().int().min(PORTAL_SESSION_TTL.minSeconds).max(PORTAL_SESSION_TTL.maxSeconds).nullish(),
});

/**
 * A short-lived key (scope PORTAL) that sees and manages only one consumer's endpoints, events and
 * deliveries, for a tenant to embed the portal for its own customer. The token rides in the URL's
 * fragment, which browsers never send, so it stays out of every server's access log.
 */
export async function createPortalSession(db: Db, caller: TenantCaller, publicUrl: string, raw: z.input<typeof input>) {
  const data = parseInput(input, raw);
  const ttl = data.ttlSeconds ?? PORTAL_SESSION_TTL.defaultSeconds;
  const key = generateApiToken('acme_ps_');
  const expiresAt = new Date(Date.now() + ttl * 1000);
  return inTenant(db, caller.tenantId, async (tx) => {
    const id = newId('key');
    await tx.insert(apiKeys).values({
      id,
      tenantId: caller.tenantId,
      name: `Portal session: ${data.consumerId}`,
      prefix: key.prefix,
      hash: key.hash,
      scopes: ['PORTAL'],
      consumerId: data.consumerId,
      expiresAt,
    });
    await recordAudit(tx, caller, 'createPortalSession', id, { consumerId: data.consumerId, ttlSeconds: ttl });
    return { token: key.token, url: `${publicUrl}/session#${key.token}`, consumerId: data.consumerId, expiresAt };
  });
}
