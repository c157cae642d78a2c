import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@acme/core';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '@acme/infra-local/embedded-postgres';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { withFreePorts } from '../support/cli-process.ts';
import { eventually } from '../support/eventually.ts';
import { createTestDatabase, startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// The database going away under a running gateway: deliveries wait, nothing is lost, and an
// infrastructure failure never counts as a delivery attempt.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

async function gatewayOn(
  databaseUrl: string,
  overrides: Record<string, string>,
  workerDatabaseUrl?: string,
): Promise<TestGateway> {
  // The database errors this file causes on purpose would fill the test output (a test may ask for more).
  const gateway = await startTestGateway(
    { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal', ...overrides },
    {
      databaseUrl,
      ...(workerDatabaseUrl && { workerOverrides: { DATABASE_URL: workerDatabaseUrl } }),
    },
  );
  cleanups.push(() => gateway.stop());
  return gateway;
}

describe('the database going away', () => {
  it('inside the retry activity: Temporal retries the activity, and it never counts as an attempt', async () => {
    const databaseUrl = await createTestDatabase();
    const url = new URL(databaseUrl);
    let proxy: TcpProxy | undefined;
    // The worker reaches Postgres through a proxy the test can cut; the API does not.
    proxy = await startTcpProxy(`${url.hostname}:${url.port}`);
    cleanups.push(() => proxy!.close());
    const workerUrl = new URL(databaseUrl);
    workerUrl.port = proxy.address.split(':')[1]!;
    const gateway = await gatewayOn(databaseUrl, { DELIVERY_RETRY_SCHEDULE: '0s,500ms' }, workerUrl.toString());

    const target = await receiver((_, index) => {
      if (index === 0) return { status: 500 };
      // The retry's request reaches the receiver, then the worker loses the database before recording it.
      if (index === 1) proxy!.setUp(false);
      return { status: 200, delayMs: 300 };
    });
    const tenant = await createTenantWithEventType(gateway);
    await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: {} });
    await target.waitFor(2);
    await new Promise((r) => setTimeout(r, 2500));
    proxy.setUp(true);

    const done = await waitForDelivery(
      gateway,
      tenant.token,
      published.deliveries[0]!.id,
      (d) => d.status === 'SUCCEEDED',
      45_000,
    );
    // The receiver saw the retry twice (the first one's result was never written), the log once.
    expect(target.requests.length).toBeGreaterThanOrEqual(3);
    expect(new Set(target.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([published.event.id]));
    expect(done.attemptCount).toBe(2);
    expect(
      done.attempts.map((a: { attemptNumber: number; path: string; outcome: string }) => [a.attemptNumber, a.path, a.outcome]),
    ).toEqual([
      [1, 'FAST', 'HTTP_ERROR'],
      [2, 'DURABLE', 'SUCCESS'],
    ]);
  });

  // Two starts of a Postgres of its own: longer than the default under a loaded CI machine, and longer
  // than the wait for the deliveries, so that a failure says where they stand, not only that time ran out.
  it('restarting during delivery: every delivery completes, none lost, repeats only with the same webhook-id', {
    timeout: 150_000,
  }, async () => {
    // Where the time went, printed with a failure.
    const began = Date.now();
    const phases: string[] = [];
    const phase = (name: string) => phases.push(`${name} at ${Date.now() - began} ms`);
    const dataDir = await mkdtemp(join(tmpdir(), 'acme-pg-restart-'));
    await chmod(dataDir, 0o755);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let port = 0;
    const start = () => startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port });
    // Its port, chosen again should another process take it first. The restart below needs the same
    // port (the gateway knows only that address): that leaves a window of one restart, not a whole start.
    let pg: EmbeddedPostgresHandle = await withFreePorts(1, ([chosen]) => {
      port = chosen!;
      return start();
    });
    cleanups.push(() => pg.stop());
    phase('postgres started');
    await migrateDatabase(pg.databaseUrl);
    // Warnings and errors of the gateway printed: a restart causes only a few (a failed claim, a write
    // tried again), and they tell what the dispatcher went through should the deliveries stall.
    const gateway = await gatewayOn(pg.databaseUrl, {
      DELIVERY_RETRY_SCHEDULE: '0s,1s,1s,1s,1s,1s',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    });
    phase('gateway started');
    let sql: postgres.Sql | undefined;
    cleanups.push(async () => sql?.end());

    const receivers = [
      await receiver(() => ({ status: 200, delayMs: 150 })),
      await receiver(() => ({ status: 200, delayMs: 150 })),
    ];
    const tenant = await createTenantWithEventType(gateway);
    for (const r of receivers) await createEndpoint(gateway, tenant.token, { url: r.url });
    const events: string[] = [];
    for (let i = 0; i < 40; i++)
      events.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).event.id);
    await eventually(() => receivers[0]!.requests.length + receivers[1]!.requests.length >= 20, 'deliveries under way', 60_000);
    phase('deliveries under way');

    const stoppingAt = Date.now();
    await pg.stop();
    phase('postgres stopped');
    pg = await start();
    phase('postgres started again');
    const downMs = Date.now() - stoppingAt;
    // No type fetch on connect: postgres.js runs it outside any query, and a connection the restarted
    // server closes during it became an unhandled rejection that failed one CI run (counts need no types).
    sql = postgres(pg.databaseUrl, { max: 1, onnotice: () => {}, fetch_types: false, connect_timeout: 5 });
    // Shorter than the test's own timeout, so a failure says where the deliveries stand.
    await eventually(
      async () => {
        // A count may fail while the restarted server settles: asked again at the next poll.
        const rows = await sql!<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'SUCCEEDED'`.catch(
          () => [],
        );
        return rows[0]?.n === 80;
      },
      'all 80 deliveries to succeed',
      60_000,
    ).catch(async (err) => {
      const states = await sql!`
        select status, attempt_count, lease_owner is not null as leased, lease_expires_at > now() as lease_live,
               next_attempt_at <= now() as due, count(*)::int as n
          from deliveries group by 1, 2, 3, 4, 5`.catch((e) => String(e));
      const received = receivers.map((r) => r.requests.length);
      throw new Error(
        `${(err as Error).message}: ${phases.join(', ')}; received ${received}; deliveries ${JSON.stringify(states)}`,
      );
    });
    expect(await sql`select status, count(*)::int as n from deliveries group by status`).toEqual([
      { status: 'SUCCEEDED', n: 80 },
    ]);
    for (const r of receivers) expect(new Set(r.requests.map((q) => String(q.headers['webhook-id'])))).toEqual(new Set(events));
    const repeats = receivers.reduce((n, r) => n + r.requests.length, 0) - 80;
    console.log(
      `Postgres restart during delivery: down ${downMs} ms, 80 deliveries completed, ${repeats} repeated (${phases.join(', ')})`,
    );
  });
});
