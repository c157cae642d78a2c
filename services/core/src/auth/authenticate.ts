import { sql } from 'drizzle-orm';
import { hashToken, tokensEqual } from '../crypto/api-token.ts';
import type { Db } from '../db/client.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { ApiKeyScope, Principal } from './principal.ts';

interface KeyRow extends Record<string, unknown> {
  id: string;
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
 * Resolves a bearer token to its principal; an unknown, revoked or expired key, or one of a
 * suspended tenant, is UNAUTHENTICATED. One statement per request: the lookup, the tenant's limits,
 * and the last-used stamp (written at most once a minute per key, so busy keys do not turn every
 * request into a write).
 */
export async function authenticate(db: Db, adminApiKey: string, token: string): Promise<Principal> {
  if (tokensEqual(token, adminApiKey)) return { kind: 'operator' };
  // Looked up by hash: the token itself is never stored, and an index probe takes the same time hit or miss.
  const rows = await db.execute<KeyRow>(sql`
    with key as (
      select k.id, k.tenant_id, k.scopes, k.consumer_id,
             (k.expires_at is not null and k.expires_at <= now()) as expired,
             t.status as tenant_status, t.publish_rate_per_second, t.publish_burst, t.max_payload_bytes
        from api_keys k join tenants t on t.id = k.tenant_id
       where k.hash = ${hashToken(token)} and k.revoked_at is null
    ), touched as (
      update api_keys set last_used_at = now()
       where id = (select id from key where not expired)
         and (last_used_at is null or last_used_at < now() - interval '1 minute')
      returning 1
    )
    select * from key`);
  const row = rows[0];
  if (!row) throw new UnauthenticatedError('The API key is not valid.');
  if (row.expired) throw new UnauthenticatedError('The API key has expired.');
  if (row.tenant_status !== 'ACTIVE') throw new UnauthenticatedError('The tenant of this API key is suspended.');
  return {
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
}
