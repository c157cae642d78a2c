import type postgres from 'postgres';

/** Builds fragments for either the pool or a transaction. */
type Sql = postgres.Sql | postgres.TransactionSql;

// Each endpoint's rate limit (deliveries per second) is a GCRA kept on its row (`rate_limit_tat`),
// so every dispatcher process and the endpoint's workflow draw from one budget. An attempt may
// start while the theoretical arrival time is less than one second ahead of now: an idle endpoint
// takes a burst of one second's worth, then exactly its rate.

/** SQL, for an endpoint row aliased `alias`: how many attempts may start now (large when unlimited). */
export function tokensAvailable(sql: Sql, alias: string) {
  const ep = sql(alias);
  return sql`(case when ${ep}.rate_limit is null then 1000000000
    else greatest(0, floor(extract(epoch from (now() + interval '1 second'
      - greatest(coalesce(${ep}.rate_limit_tat, now()), now()))) * ${ep}.rate_limit))::int end)`;
}

/** SQL: the arrival time after `count` more attempts, for the endpoint row aliased `alias`. */
export function tatAfter(sql: Sql, alias: string, count: postgres.PendingQuery<postgres.Row[]> | number) {
  const ep = sql(alias);
  return sql`greatest(coalesce(${ep}.rate_limit_tat, now()), now())
    + (${count}) * (1000.0 / ${ep}.rate_limit) * interval '1 millisecond'`;
}

export interface TokenGrant {
  /** Attempts that may start now (at most as many as asked). */
  granted: number;
  /** False while the endpoint is paused, disabled, deleted or its tenant suspended: nothing may be sent. */
  sending: boolean;
}

/**
 * The workflow path's share of the endpoint's rate: takes up to `wanted` tokens. Also answers
 * whether the endpoint may be sent to at all, so a pause stops a batch between two chunks.
 */
export async function takeDeliveryTokens(sql: postgres.Sql, endpointId: string, wanted: number): Promise<TokenGrant> {
  const [row] = await sql<{ granted: number; sending: boolean }[]>`
    with ep as (
      select e.id, e.rate_limit, e.rate_limit_tat,
             (e.status = 'ACTIVE' and e.deleted_at is null and t.status = 'ACTIVE') as sending
        from endpoints e join tenants t on t.id = e.tenant_id
       where e.id = ${endpointId}
         -- NO KEY: publishes' foreign-key checks on this endpoint do not wait for it.
         for no key update of e),
    grant_ as (
      select ep.*, case when not ep.sending then 0 else least(${wanted}, ${tokensAvailable(sql, 'ep')}) end as granted
        from ep),
    taken as (
      update endpoints e set rate_limit_tat = ${tatAfter(sql, 'g', sql`g.granted`)}
        from grant_ g
       where e.id = g.id and g.rate_limit is not null and g.granted > 0)
    select granted, sending from grant_`;
  return row ?? { granted: 0, sending: false };
}

/** SQL: milliseconds until the endpoint row aliased `alias` has a token again (0 when it has one). */
export function msUntilToken(sql: Sql, alias: string) {
  const ep = sql(alias);
  return sql`(case when ${ep}.rate_limit is null then 0
    else greatest(0, ceil(extract(epoch from (coalesce(${ep}.rate_limit_tat, now())
      + (1000.0 / ${ep}.rate_limit) * interval '1 millisecond' - now() - interval '1 second')) * 1000)) end)::float8`;
}
