import * as tables from '@acme/schema/db';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';

/** Drizzle over postgres.js; `$client` is the postgres.js pool, for the hot paths' prepared statements. */
export type Db = PostgresJsDatabase<typeof tables> & { $client: postgres.Sql };
/** A Drizzle handle for either the pool or a transaction. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  /** The raw postgres.js client, for LISTEN/NOTIFY and the few statements Drizzle cannot express. */
  sql: postgres.Sql;
  /** The connection URL, for a session that must be its own (a dispatcher's liveness lock). */
  url: string;
  close(): Promise<void>;
}

/**
 * Drizzle inside a postgres.js transaction (sql.begin), so that a hot path's transaction, written
 * with prepared postgres.js statements, can also run the Drizzle-built ones of its rarer cases.
 */
export function drizzleIn(database: Database, tx: postgres.TransactionSql): DbOrTx {
  // A transaction's sql has no options of its own; Drizzle reads (and has already set) the pool's.
  return drizzle(Object.assign(tx, { options: database.sql.options }) as unknown as postgres.Sql) as unknown as DbOrTx;
}

export interface ConnectOptions {
  max?: number;
  /** Called with the text of every statement sent (postgres.js `debug`): tests count round trips with it. */
  onQuery?: (query: string) => void;
  /** Settings of every session of this pool (sent when each connects): see CLAIM_SESSION_SETTINGS. */
  settings?: Record<string, string>;
}

export function connectDatabase(url: string, options: ConnectOptions = {}): Database {
  const { onQuery } = options;
  const sql = postgres(url, {
    max: options.max ?? 10,
    ...(onQuery ? { debug: (_connection: number, query: string) => onQuery(query) } : {}),
    onnotice: () => {},
    // Dates and jsonb come back typed; bigints are not used.
    connection: { application_name: 'acme-webhooks', ...options.settings },
  });
  const db = drizzle(sql, { schema: tables });
  return { db, sql, url, close: () => sql.end({ timeout: 5 }) };
}
