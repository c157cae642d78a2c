// The floor: what one delivery must cost at least, with nothing of the gateway in the way. Per
// delivery: one statement storing the event and its delivery row (the outbox write, committed,
// as a publish must), the Standard Webhooks signature, a POST through a keep-alive pool, one
// statement marking the delivery done. No API, no auth, no claim, no Temporal, no attempt log.
import { createHmac, randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { monotonicFactory } from 'ulid';
import { Agent, request } from 'undici';
import { now } from './clock.ts';
import { runClosedLoop, runOpenLoop } from './load-loops.ts';
import { benchPayload } from './publisher.ts';

export interface FloorJob {
  databaseUrl: string;
  /** A real tenant and endpoint, for the foreign keys the real tables have. */
  tenantId: string;
  endpointId: string;
  /** Deliveries go to `${urlBase}/<i mod endpoints>`, as the gateway's go to one of several endpoints. */
  urlBase: string;
  endpoints: number;
  load: { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number };
  durationMs: number;
  /** The gateway's settings, matched: its Postgres pool and its per-origin connection pool. */
  poolSize: number;
  connectionsPerOrigin: number;
}

export type FloorMessage =
  /** The loops start now (the process took a moment to start: the parent's clock for the phase starts here). */
  | { type: 'started'; at: number }
  | { type: 'progress'; sent: number; done: number }
  /** Flattened pairs: event id, due time (open loop) or send time (closed loop). */
  | { type: 'done'; events: (string | number)[]; errors: number; firstError: string | null };

const ulid = monotonicFactory();
const secret = randomBytes(24);

async function run(job: FloorJob): Promise<void> {
  const sql = postgres(job.databaseUrl, { max: job.poolSize, onnotice: () => {} });
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: job.connectionsPerOrigin });
  const events: (string | number)[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let done = 0;

  const deliver = async (seq: number, startedAt: number) => {
    const eventId = `evt_${ulid()}`;
    const deliveryId = `dlv_${ulid()}`;
    events.push(eventId, startedAt);
    try {
      const payload = benchPayload(seq);
      const createdAt = new Date();
      await sql`
        with event as (
          insert into bench_floor.events (id, tenant_id, event_type, payload, created_at)
          values (${eventId}, ${job.tenantId}, 'invoice.paid', ${sql.json(payload)}, ${createdAt})
          returning id)
        insert into bench_floor.deliveries (id, tenant_id, event_id, endpoint_id)
        select ${deliveryId}, ${job.tenantId}, event.id, ${job.endpointId} from event`;
      const body = JSON.stringify({ type: 'invoice.paid', timestamp: createdAt.toISOString(), data: payload });
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', secret).update(`${eventId}.${timestamp}.${body}`).digest('base64');
      const response = await request(`${job.urlBase}/${seq % job.endpoints}`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'webhook-id': eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': `v1,${signature}`,
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode >= 300) throw new Error(`receiver answered ${response.statusCode}`);
      await sql`
        update bench_floor.deliveries
           set status = 'SUCCEEDED', attempt_count = 1, completed_at = now()
         where id = ${deliveryId}`;
      done++;
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
    }
  };

  process.send?.({ type: 'started', at: now() } satisfies FloorMessage);
  const ticker = setInterval(
    () => process.send?.({ type: 'progress', sent: events.length / 2, done } satisfies FloorMessage),
    250,
  );
  if (job.load.kind === 'closed') {
    await runClosedLoop({ concurrency: job.load.concurrency, durationMs: job.durationMs, send: (i) => deliver(i, now()) });
  } else {
    const inFlight = new Set<Promise<void>>();
    await runOpenLoop({
      rate: job.load.rate,
      durationMs: job.durationMs,
      fire: (i, due) => {
        const p = deliver(i, due);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      },
    });
    await Promise.all(inFlight);
  }
  clearInterval(ticker);
  await Promise.all([sql.end({ timeout: 5 }), agent.close()]);
  // Stays up until the parent disconnects: it reads this process's CPU time first.
  process.send?.({ type: 'done', events, errors, firstError } satisfies FloorMessage);
}

process.once('message', (job: FloorJob) => {
  run(job).catch((err) => {
    process.stderr.write(`floor failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
