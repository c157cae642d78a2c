import { LRUCache } from 'lru-cache';
import { hashToken, tokensEqual } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { ApiKeyScope, Principal, TenantPrincipal } from './principal.ts';

interface KeyRow {
  id: string;
  expires_ms: number | null;
  tenant_id: string;
  scopes: string[];
  consumer_id: string | null;
  expired: boolean;
  tenant_status: string;
  publish_rate_per_second: number | null;
  publish_burst: number | null;
  max_payload_bytes: number | null;
}

/**
 * How long this process trusts what it read about a key. A revocation, a suspension or new limits
 * made through this process apply at once (forgetAuthenticatedKeys); made through another API
 * process, within this long. Expiry is checked on every request.
 */
export const AUTH_CACHE_TTL_MS = 5000;

const recent = new LRUCache<string, { principal: TenantPrincipal; expiresMs: number | null }>({
  max: 10_000,
  ttl: AUTH_CACHE_TTL_MS,
});
// A lookup that started before a forget must not put back what it read.
let generation = 0;

/** After a change to keys or tenants: every key is looked up again on its next use. */
export function forgetAuthenticatedKeys(): void {
  generation++;
  recent.clear();
}

/**
 * Resolves a bearer token to its principal; an unknown, revoked or expired key, or one of a
 * suspended tenant, is UNAUTHENTICATED. A key used in the last AUTH_CACHE_TTL_MS costs no round
 * trip; otherwise one statement: the lookup, the tenant's limits, and the last-used stamp (written
 * at most once a minute per key, so busy keys do not turn every request into a write).
 */
export async function authenticate(db: Db, adminApiKey: string, token: string): Promise<Principal> {
  if (tokensEqual(token, adminApiKey)) return { kind: 'operator' };
  const hash = hashToken(token);
  const known = recent.get(hash);
  if (known) {
    if (known.expiresMs !== null && known.expiresMs <= Date.now()) throw new UnauthenticatedError('The API key has expired.');
    return known.principal;
  }
  const startedAt = generation;
  // Looked up by hash: the token itself is never stored, and an index probe takes the same time hit or miss.
  const rows = await db.$client<KeyRow[]>`
    with key as (
      select k.id, k.tenant_id, k.scopes, k.consumer_id,
             (k.expires_at is not null and k.expires_at <= now()) as expired,
             (extract(epoch from k.expires_at) * 1000)::float8 as expires_ms,
             t.status as tenant_status, t.publish_rate_per_second, t.publish_burst, t.max_payload_bytes
        from api_keys k join tenants t on t.id = k.tenant_id
       where k.hash = ${hash} and k.revoked_at is null
    ), touched as (
      update api_keys set last_used_at = now()
       where id = (select id from key where not expired)
         and (last_used_at is null or last_used_at < now() - interval '1 minute')
      returning 1
    )
    select * from key`;
  const row = rows[0];
  if (!row) throw new UnauthenticatedError('The API key is not valid.');
  if (row.expired) throw new UnauthenticatedError('The API key has expired.');
  if (row.tenant_status !== 'ACTIVE') throw new UnauthenticatedError('The tenant of this API key is suspended.');
  const principal: TenantPrincipal = {
    kind: 'tenant',
    tenantId: row.tenant_id,
    apiKeyId: row.id,
    scopes: row.scopes as ApiKeyScope[],
    consumerId: row.consumer_id,
    limits: {
      publishRatePerSecond: row.publish_rate_per_second,
      publishBurst: row.publish_burst,
      maxPayloadBytes: row.max_payload_bytes,
    },
  };
  if (generation === startedAt) recent.set(hash, { principal, expiresMs: row.expires_ms });
  return principal;
}
