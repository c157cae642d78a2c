import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish } from '../support/scenario.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.ts';

// A worker frozen in the middle of a retry round (SIGSTOP: a long GC pause, a starved VM, a network
// partition) stops heartbeating; Temporal times its activity out and runs the round again on another
// worker. The frozen one then wakes up with its requests still in flight. Between the two, each
// retry must go out once: the second round must leave alone what the first one is sending.
const EVENTS = 10;
const workers: WorkerProcess[] = [];
let gateway: TestGateway | undefined;
let receiver: Receiver | undefined;

afterAll(async () => {
  for (const w of workers) {
    w.child.kill('SIGCONT');
    w.child.kill('SIGKILL');
    await w.exited;
  }
  await receiver?.close();
  await gateway?.stop();
});

async function worker(): Promise<WorkerProcess> {
  const w = spawnWorker(gateway!.env);
  workers.push(w);
  await w.ready;
  return w;
}

describe('a worker frozen during a retry round', () => {
  it('and the round Temporal runs again elsewhere send each retry once', async () => {
    gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s' }, { worker: false });
    const seen = new Map<string, number>();
    // The first attempt of each event fails; its retry succeeds, slowly: the round is in flight when frozen.
    receiver = await startReceiver((request) => {
      const id = String(request.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return seen.get(id) === 1 ? { status: 500 } : { status: 200, delayMs: 3000 };
    });
    const tenant = await createTenantWithEventType(gateway);
    // A timeout far beyond the freeze: the frozen round's attempts succeed once it wakes up.
    await createEndpoint(gateway, tenant.token, { url: receiver.url, timeoutMs: 60_000 });
    const frozen = await worker();
    const events: string[] = [];
    for (let i = 0; i < EVENTS; i++)
      events.push((await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { i } })).event.id);

    // Every retry is in flight from the first worker's round.
    await receiver.waitFor(2 * EVENTS, 60_000);
    frozen.child.kill('SIGSTOP');
    await worker();
    // Past the heartbeat timeout (5 s) and the activity's retry: the second round has run by now.
    await new Promise((r) => setTimeout(r, 12_000));
    frozen.child.kill('SIGCONT');

    const sql = postgres(gateway.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await eventually(
        async () => {
          const [row] = await sql<{ n: number }[]>`select count(*)::int as n from deliveries where status = 'SUCCEEDED'`;
          return row?.n === EVENTS;
        },
        `all ${EVENTS} deliveries succeeded`,
        60_000,
      );
      const [attempts] = await sql<{ n: number }[]>`select count(*)::int as n from delivery_attempts`;
      expect(attempts?.n).toBe(2 * EVENTS);
    } finally {
      await sql.end();
    }
    expect(events.map((id) => seen.get(id))).toEqual(events.map(() => 2));
  }, 180_000);
});
