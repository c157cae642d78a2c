import type { Config } from '@acme/core';
import { Client, Connection } from '@temporalio/client';
import { temporalConnectionOptions } from './temporal-connection.ts';

interface Connected {
  connection: Connection;
  client: Client;
}

/**
 * A Temporal client that survives Temporal being down: it connects on first use, and after a
 * failed connect tries afresh on the next call (a Connection whose first connect failed stays
 * failed). Callers treat a thrown error as "Temporal unavailable, try later".
 */
export class TemporalClientProvider {
  private current: Promise<Connected> | null = null;

  constructor(private readonly temporal: Config['temporal']) {}

  async get(): Promise<Client> {
    return (await this.connect()).client;
  }

  /** True when the server answers a health check within `timeoutMs`. */
  async isHealthy(timeoutMs = 2000): Promise<boolean> {
    try {
      const { connection } = await this.connect();
      const response = await connection.withDeadline(Date.now() + timeoutMs, () => connection.healthService.check({}));
      return response.status === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.then(({ connection }) => connection.close()).catch(() => {});
  }

  private connect(): Promise<Connected> {
    if (!this.current) {
      const attempt = Connection.connect({ ...temporalConnectionOptions(this.temporal), connectTimeout: '3s' }).then(
        (connection) => ({ connection, client: new Client({ connection, namespace: this.temporal.namespace }) }),
      );
      attempt.catch(() => {
        if (this.current === attempt) this.current = null;
      });
      this.current = attempt;
    }
    return this.current;
  }
}
