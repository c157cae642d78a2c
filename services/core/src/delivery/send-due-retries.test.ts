import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveries } from '@acme/schema/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishMany, tenantWithEndpoints, testDatabase, testEngine } from '../testing/fixtures.ts';
import { leaseDueRetries } from './due-retries.ts';
import { sendDueRetries } from './send-due-retries.ts';

const database = testDatabase();
const engine = testEngine(database, { perEndpointConcurrency: 5 });
const requests = new Map<string, number>();
let receiver: Server;
let url: string;

beforeAll(async () => {
  // Slow enough that two rounds overlap for the whole batch.
  receiver = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);
    requests.set(id, (requests.get(id) ?? 0) + 1);
    setTimeout(() => res.writeHead(200).end(), 100);
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await engine.client.close();
  await database.close();
});

async function dueRetries(count: number) {
  const {
    tenant,
    endpoints: [endpoint],
  } = await tenantWithEndpoints(database, 1, url);
  const published = await publishMany(database, tenant.id, count);
  for (const p of published) {
    await database.db
      .update(deliveries)
      .set({ handler: 'WORKFLOW', attemptCount: 1, handedOff: true, nextAttemptAt: sql`now() - interval '1 second'` })
      .where(eq(deliveries.id, p.deliveries[0]!.id));
  }
  return { endpointId: endpoint!.id, eventIds: published.map((p) => p.event.id) };
}

async function dueIds(endpointId: string) {
  const rows = await database.db.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.endpointId, endpointId));
  return rows.map((r) => r.id);
}

describe('sendDueRetries', () => {
  it('sends each due retry once when a timed-out round is still running beside its retry', async () => {
    const { endpointId, eventIds } = await dueRetries(30);
    const options = { batch: 100, waitUpToMs: 0, budgetMs: 30_000 };
    // The round Temporal gave up on (a frozen worker) and the one it started instead, side by side.
    await Promise.all([
      sendDueRetries(engine, endpointId, { ...options, owner: 'round-1' }),
      sendDueRetries(engine, endpointId, { ...options, owner: 'round-2' }),
    ]);
    expect(eventIds.map((id) => requests.get(id) ?? 0)).toEqual(eventIds.map(() => 1));
    const rows = await database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId));
    expect(rows.every((r) => r.status === 'SUCCEEDED' && r.attemptCount === 2 && r.leaseExpiresAt === null)).toBe(true);
  });

  it('takes over at once the leases of a round of this process that has ended (its recording failed)', async () => {
    const { endpointId, eventIds } = await dueRetries(3);
    const options = { batch: 100, waitUpToMs: 0, budgetMs: 30_000 };
    // A round that ended with its chunk still leased: what a database outage while recording leaves.
    await sendDueRetries(engine, endpointId, { ...options, owner: 'round-that-failed' });
    const more = await dueRetries(3);
    await leaseDueRetries(database.sql, await dueIds(more.endpointId), 'round-that-failed', 600_000);
    await sendDueRetries(engine, more.endpointId, { ...options, owner: 'round-that-failed' });
    await sendDueRetries(engine, more.endpointId, { ...options, owner: 'its-retry' });
    expect(more.eventIds.map((id) => requests.get(id) ?? 0)).toEqual([1, 1, 1]);
    // A lease of a round this process knows nothing of is waited out.
    const other = await dueRetries(2);
    await leaseDueRetries(database.sql, await dueIds(other.endpointId), 'round-of-another-worker', 600_000);
    await sendDueRetries(engine, other.endpointId, { ...options, owner: 'not-it' });
    expect(other.eventIds.map((id) => requests.get(id) ?? 0)).toEqual([0, 0]);
    expect(eventIds.map((id) => requests.get(id) ?? 0)).toEqual([1, 1, 1]);
  });

  it('stops before the next chunk once cancelled, and leaves the rest due', async () => {
    const { endpointId, eventIds } = await dueRetries(15);
    const cancel = new AbortController();
    let chunks = 0;
    await sendDueRetries(engine, endpointId, {
      batch: 100,
      waitUpToMs: 0,
      budgetMs: 30_000,
      signal: cancel.signal,
      onProgress: () => {
        chunks++;
        cancel.abort();
      },
    });
    expect(chunks).toBe(1);
    expect(eventIds.filter((id) => requests.has(id))).toHaveLength(5);
    const rows = await database.db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId));
    expect(rows.filter((r) => r.status === 'PENDING' && r.leaseExpiresAt === null)).toHaveLength(10);
  });
});
