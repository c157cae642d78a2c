import type postgres from 'postgres';

/** The role tenant-scoped work runs as; Row-Level Security applies to it (schema/db/tables.ts). */
export const APP_ROLE = 'acme_app';

/**
 * Creates the role before the migrations that name it in their policies. Roles are cluster-wide
 * and test databases share a cluster, so creating it twice (even at the same moment) is fine.
 * The connecting role is made a member so that `set role` works when it is not a superuser.
 */
export async function ensureAppRole(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    do $$ begin
      create role ${APP_ROLE} nologin nobypassrls;
    exception when duplicate_object or unique_violation then null;
    end $$`);
  await sql.unsafe(`grant ${APP_ROLE} to current_user`).catch(() => {
    // Already a member (or a superuser, who needs no membership).
  });
}

/** What tenant-scoped work may do: read and write rows (no DELETE: nothing tenant-facing deletes rows), nothing else. */
export async function grantAppRole(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    grant usage on schema public to ${APP_ROLE};
    grant select, insert, update on all tables in schema public to ${APP_ROLE};`);
}
