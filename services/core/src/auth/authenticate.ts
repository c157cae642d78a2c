import { apiKeys, tenants } from '@acme/schema/db';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { hashToken, tokensEqual } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { ApiKeyScope, Principal } from './principal.ts';

/** Resolves a bearer token to its principal; an unknown, revoked or suspended key is UNAUTHENTICATED. */
export async function authenticate(db: Db, adminApiKey: string, token: string): Promise<Principal> {
  if (tokensEqual(token, adminApiKey)) return { kind: 'operator' };
  // Looked up by hash: the token itself is never stored, and an index probe takes the same time hit or miss.
  const [row] = await db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, scopes: apiKeys.scopes, tenantStatus: tenants.status })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.hash, hashToken(token)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) throw new UnauthenticatedError('The API key is not valid.');
  if (row.tenantStatus !== 'ACTIVE') throw new UnauthenticatedError('The tenant of this API key is suspended.');
  await touchLastUsed(db, row.id);
  return { kind: 'tenant', tenantId: row.tenantId, apiKeyId: row.id, scopes: row.scopes as ApiKeyScope[] };
}

/** Records last use at most once a minute per key, so busy keys do not turn every request into a write. */
async function touchLastUsed(db: Db, keyId: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}
