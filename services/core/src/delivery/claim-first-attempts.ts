import type postgres from 'postgres';
import { type DueDelivery, type DueRow, dueDeliveryColumns, dueDeliveryJoins, toDueDelivery } from './due-delivery.ts';

export interface ClaimOptions {
  /** Identifies this dispatcher in the lease, for debugging stuck claims. */
  owner: string;
  limit: number;
  /** How long the claim holds; a dispatcher that crashes mid-batch gives its rows back when it expires. */
  leaseMs: number;
  /** At most this many deliveries of one endpoint per claim, so one busy endpoint cannot fill a batch. */
  perEndpointLimit?: number;
  /** Endpoints this dispatcher already has enough in flight for. */
  excludeEndpoints?: readonly string[];
}

/**
 * The fast path's claim: due first attempts of active endpoints that are not in recovery, leased to this
 * dispatcher. SKIP LOCKED lets any number of dispatchers claim side by side without waiting.
 */
export async function claimFirstAttempts(sql: postgres.Sql, options: ClaimOptions): Promise<DueDelivery[]> {
  const perEndpoint = options.perEndpointLimit ?? options.limit;
  const rows = await sql<DueRow[]>`
    with candidates as (
      select c.id, c.endpoint_id, c.next_attempt_at from deliveries c
        join endpoints ce on ce.id = c.endpoint_id
       where c.status = 'PENDING' and c.handler = 'DISPATCHER'
         and c.next_attempt_at <= now()
         and (c.lease_expires_at is null or c.lease_expires_at < now())
         and ce.status = 'ACTIVE' and ce.health = 'HEALTHY'
         and not (c.endpoint_id = any(${sql.array([...(options.excludeEndpoints ?? [])])}::text[]))
       order by c.next_attempt_at
       limit ${options.limit * 4}
       for update of c skip locked),
    chosen as (
      select id from (
        select id, next_attempt_at, row_number() over (partition by endpoint_id order by next_attempt_at) as n
          from candidates) ranked
       where n <= ${perEndpoint}
       order by next_attempt_at
       limit ${options.limit}),
    claimed as (
      update deliveries d
         set lease_owner = ${options.owner},
             lease_expires_at = now() + ${options.leaseMs} * interval '1 millisecond'
        from chosen
       where d.id = chosen.id
      returning d.*)
    select ${dueDeliveryColumns(sql)} from claimed d ${dueDeliveryJoins(sql)}`;
  return rows.map(toDueDelivery);
}
