import postgres from 'postgres';

/**
 * The advisory-lock class (pg_locks.classid) of dispatcher liveness: 'acme' in ASCII. Each
 * dispatcher holds the lock (class, key of its lease owner) on a session of its own for as long as
 * it runs; when its process dies, Postgres ends that session and the lock goes with it.
 */
export const LIVENESS_LOCK_CLASS = 0x61636d65;

/** The lock key of a lease owner, in SQL, so that a claim can compute it from deliveries.lease_owner. */
export function livenessKey(sql: postgres.Sql, owner: postgres.Fragment | string): postgres.Fragment {
  return sql`(hashtext(${owner}) & 2147483647)`;
}

const CHECK_TIMEOUT_MS = 5000;

/**
 * Holds this dispatcher's liveness lock, so that when its process is killed (kill -9, OOM) another
 * dispatcher takes its claimed rows back within seconds, not after their lease (75 s by default).
 * `ensure()` takes the lock, or checks that it still holds it (after a reconnection, say); the
 * dispatcher calls it before its first claim and on every poll, and claims only while it holds it.
 */
export class DispatcherLiveness {
  /** One connection of its own: the lock lives as long as this session, so not a pooled one. */
  private readonly sql: postgres.Sql;
  private checking: Promise<boolean> | null = null;
  /** Whether the lock was held at the last check. */
  held = false;

  constructor(
    url: string,
    private readonly owner: string,
  ) {
    this.sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: 'acme-webhooks-liveness' } });
  }

  ensure(): Promise<boolean> {
    this.checking ??= this.check().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async check(): Promise<boolean> {
    const key = livenessKey(this.sql, this.owner);
    // Held already (by this session, or, if two owners' keys collide, by a live one: either way our
    // rows look alive to the others, the safe side), or taken now.
    const statement = this.sql<{ held: boolean }[]>`
      select exists (select 1 from pg_locks
                      where locktype = 'advisory' and classid = ${LIVENESS_LOCK_CLASS}::int::oid
                        and objid = ${key}::oid and objsubid = 2 and granted)
             or pg_try_advisory_lock(${LIVENESS_LOCK_CLASS}::int, ${key}) as held`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('liveness check timed out')), CHECK_TIMEOUT_MS);
    });
    try {
      const [row] = await Promise.race([statement, timeout]);
      this.held = row?.held === true;
    } catch {
      // The database is away: nobody claims anything until it is back, and then this runs again.
      this.held = false;
    } finally {
      clearTimeout(timer);
    }
    return this.held;
  }

  /** Ends the session, and with it the lock (a clean stop: nothing of this dispatcher's is in flight). */
  async release(): Promise<void> {
    this.held = false;
    await this.sql.end({ timeout: 1 }).catch(() => {});
  }
}
