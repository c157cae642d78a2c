import { randomBytes, randomUUID } from 'node:crypto';
import { startApi } from '@acme/api';
import { createLogger, loadConfig, migrateDatabase } from '@acme/core';
import { type DispatcherOptions, startWorker } from '@acme/worker';
import postgres from 'postgres';
import { inject } from 'vitest';
import { withFreePorts } from './cli-process.ts';

export interface TestGateway {
  url: string;
  /** The environment the gateway runs with, to start more worker processes like it. */
  env: Record<string, string>;
  adminKey: string;
  databaseUrl: string;
  /** POSTs a GraphQL operation; returns the parsed body and the HTTP status. */
  graphql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; body: GraphQLBody<T> }>;
  stop(): Promise<void>;
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/**
 * The API and a worker, in this process, against the shared real Postgres and Temporal, with a
 * database and task queue of their own so test files cannot see each other's deliveries.
 */
export async function startTestGateway(
  overrides: Record<string, string> = {},
  options: {
    worker?: boolean;
    /** An existing, migrated database instead of a fresh one on the shared server. */
    databaseUrl?: string;
    /** Settings of the in-process worker only (the API keeps `overrides`). */
    workerOverrides?: Record<string, string>;
    /** Dispatcher options of the in-process worker (timings a test cannot wait out at their defaults). */
    dispatcher?: Partial<DispatcherOptions>;
  } = {},
): Promise<TestGateway> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const adminKey = `acme_admin_${randomBytes(24).toString('base64url')}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    DATA_DIR: inject('dataDir'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    ADMIN_API_KEY: adminKey,
    SECRETS_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    WORKER_METRICS_PORT: '0',
    ...overrides,
  };
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, 'test-gateway');
  const workerConfig = options.workerOverrides ? loadConfig({ ...env, ...options.workerOverrides }) : config;
  const worker =
    options.worker === false
      ? null
      : // Its ops port (0 means off) is chosen again should another process take it first.
        await withFreePorts(1, ([port]) =>
          startWorker({ ...workerConfig, metrics: { workerPort: port!, workerUrl: undefined } }, logger, options.dispatcher),
        );
  const api = await startApi({ ...config, metrics: { workerPort: 0, workerUrl: worker?.metricsUrl ?? undefined } }, logger);
  return {
    url: api.url,
    env,
    adminKey,
    databaseUrl,
    async graphql(query, variables, token) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLBody<any> };
    },
    async stop() {
      await worker?.stop();
      await api.stop();
    },
  };
}

/** A fresh, migrated database of its own: nothing shared with other test files. */
export async function createTestDatabase(): Promise<string> {
  const url = await createEmptyDatabase();
  await migrateDatabase(url);
  return url;
}

/** A fresh database with nothing in it, not even the schema. */
export async function createEmptyDatabase(): Promise<string> {
  const name = `test_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(inject('adminDatabaseUrl'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
}
