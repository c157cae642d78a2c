import type postgres from 'postgres';
import { headerProblem, MAX_CUSTOM_HEADER_BYTES, MAX_CUSTOM_HEADERS } from '../endpoints/create-endpoint.ts';

/** Where a data migration says what it changed that a person may need to know. */
export type MigrationLog = (fields: Record<string, unknown>, message: string) => void;

/**
 * A change to stored rows that the SQL generated from schema/db/tables.ts cannot express (a backfill,
 * a clean-up by rules that live in TypeScript). Each runs once, in its own transaction, after the
 * schema migrations and under their lock; `data_migrations` records it. Never rename one: the name
 * is what says it ran.
 */
export interface DataMigration {
  name: string;
  run(tx: postgres.TransactionSql, log: MigrationLog): Promise<void>;
}

/**
 * Attempts logged before delivery_attempts.url existed (migration 0002) hold ''. The endpoint's URL is
 * the best answer left: the one it has now (its history is not kept).
 */
const backfillAttemptUrls: DataMigration = {
  name: 'backfill_attempt_urls',
  async run(tx, log) {
    const updated = await tx`
      update delivery_attempts a set url = e.url
        from deliveries d join endpoints e on e.id = d.endpoint_id
       where a.delivery_id = d.id and a.url = ''`;
    if (updated.count > 0) log({ attempts: updated.count }, "attempts without a URL now show their endpoint's URL");
  },
};

/**
 * Custom headers stored before today's rules (reserved names, hop-by-hop headers, values with control
 * or non-ASCII characters, too many or too large) would fail every send. Those the rules refuse are
 * dropped, then the rest is cut to the limits (in jsonb key order); each endpoint changed is logged with the
 * names dropped (never the values: they are often the receiver's credentials).
 */
export const dropRefusedEndpointHeaders: DataMigration = {
  name: 'drop_refused_endpoint_headers',
  async run(tx, log) {
    const rows = await tx<{ id: string; tenant_id: string; headers: Record<string, unknown> }[]>`
      select id, tenant_id, headers from endpoints where headers <> '{}'::jsonb for update`;
    for (const row of rows) {
      const { kept, dropped } = allowedHeaders(row.headers);
      if (dropped.length === 0) continue;
      await tx`update endpoints set headers = ${JSON.stringify(kept)}::jsonb, updated_at = now() where id = ${row.id}`;
      log(
        { tenantId: row.tenant_id, endpointId: row.id, droppedHeaders: dropped },
        'custom headers that the current rules refuse were removed from an endpoint',
      );
    }
  },
};

/** The headers of `stored` that today's rules accept, lower-cased, within the count and size limits. */
export function allowedHeaders(stored: Record<string, unknown>): { kept: Record<string, string>; dropped: string[] } {
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  let size = 0;
  for (const [rawName, value] of Object.entries(stored ?? {})) {
    const name = rawName.toLowerCase();
    const fits =
      headerProblem(rawName, value) === null &&
      !(name in kept) &&
      Object.keys(kept).length < MAX_CUSTOM_HEADERS &&
      size + name.length + String(value).length <= MAX_CUSTOM_HEADER_BYTES;
    if (!fits) {
      dropped.push(rawName);
      continue;
    }
    kept[name] = value as string;
    size += name.length + (value as string).length;
  }
  return { kept, dropped };
}

/**
 * Deliveries still pending for an event whose payload is gone (expunged before expunging cancelled
 * them) would go out as `"data": null`: cancelled, as expunging does now.
 */
const cancelPendingOfExpungedEvents: DataMigration = {
  name: 'cancel_pending_of_expunged_events',
  async run(tx, log) {
    const cancelled = await tx`
      update deliveries d set status = 'CANCELLED', cancel_reason = 'PAYLOAD_EXPUNGED', completed_at = now(),
                              lease_owner = null, lease_expires_at = null
        from events e
       where e.id = d.event_id and d.status = 'PENDING' and e.payload_expunged_at is not null`;
    if (cancelled.count > 0) log({ deliveries: cancelled.count }, 'pending deliveries of expunged events were cancelled');
  },
};

export const DATA_MIGRATIONS: readonly DataMigration[] = [
  backfillAttemptUrls,
  dropRefusedEndpointHeaders,
  cancelPendingOfExpungedEvents,
];

/** Runs the data migrations not yet recorded, in order, each with its record in one transaction. */
export async function runDataMigrations(
  sql: postgres.Sql,
  log: MigrationLog,
  migrations: readonly DataMigration[] = DATA_MIGRATIONS,
): Promise<string[]> {
  const done = new Set((await sql<{ name: string }[]>`select name from data_migrations`).map((r) => r.name));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await sql.begin(async (tx) => {
      await migration.run(tx, (fields, message) => log({ dataMigration: migration.name, ...fields }, message));
      await tx`insert into data_migrations (name) values (${migration.name})`;
    });
    applied.push(migration.name);
  }
  return applied;
}
