import type postgres from 'postgres';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';

export interface ClaimOptions {
  /** Identifies this dispatcher in the lease, for debugging stuck claims. */
  owner: string;
  limit: number;
  /** How long the claim holds; a dispatcher that crashes mid-batch gives its rows back when it expires. */
  leaseMs: number;
}

/**
 * The fast path's claim: due first attempts of active endpoints, leased to this dispatcher.
 * SKIP LOCKED lets any number of dispatchers claim side by side without waiting on each other.
 */
export async function claimFirstAttempts(sql: postgres.Sql, options: ClaimOptions): Promise<DueDelivery[]> {
  const rows = await sql<DueRow[]>`
    with claimed as (
      update deliveries d
         set lease_owner = ${options.owner},
             lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond'
       where d.id in (
         select c.id from deliveries c
           join endpoints ce on ce.id = c.endpoint_id
          where c.status = 'PENDING' and c.handler = 'DISPATCHER'
            and c.next_attempt_at <= now()
            and (c.lease_expires_at is null or c.lease_expires_at < now())
            and ce.status = 'ACTIVE'
          order by c.next_attempt_at
          limit ${options.limit}
          for update of c skip locked)
      returning d.*)
    select ${dueDeliveryColumns(sql)} from claimed d ${dueDeliveryJoins(sql)}`;
  return rows.map(toDueDelivery);
}
