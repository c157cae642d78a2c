import type postgres from 'postgres';
import { textArray } from '../db/text-array.ts';

/**
 * Gives back a dispatcher's claims on deliveries it will not attempt or record (it is stopping, or
 * cannot sign them: their endpoint's secrets do not open with its keys): their lease is cleared, so
 * any other dispatcher claims them at once instead of after the lease runs out. Only rows this owner
 * still holds are touched; one that another dispatcher reclaimed (an expired lease) or that was
 * recorded meanwhile is left alone.
 */
export async function releaseClaims(sql: postgres.Sql, owner: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const released = await sql`
    update deliveries set lease_owner = null, lease_expires_at = null
     where id = any(${textArray(ids)}::text[]) and lease_owner = ${owner} and status = 'PENDING'`;
  return released.count;
}
