// A publish whose answer is lost after the gateway stored the event: the SDK retries with the
// same idempotency key and must get back the same event, with no second event and no second
// delivery, and the receiver must get the webhook once.
import { ConnectionError } from '@acme/webhooks-sdk';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/gateway.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { createTenantWithEventType } from '../../support/scenario.ts';
import { sdk, waitForDelivery } from './sdk-support.ts';

let gateway: TestGateway;
let target: Receiver;

beforeAll(async () => {
  gateway = await startTestGateway();
  target = await startReceiver();
});

afterAll(async () => {
  await target?.close();
  await gateway?.stop();
});

/** Lets the first request reach the gateway and be fully answered, then drops the answer. */
function losingFirstAnswer() {
  let calls = 0;
  const fetchThatLoses: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (++calls === 1) {
      await response.text();
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    return response;
  };
  return { fetch: fetchThatLoses, calls: () => calls };
}

async function countRows(tenantId: string) {
  const sql = postgres(gateway.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ events: number; deliveries: number }[]>`
      select (select count(*)::int from events where tenant_id = ${tenantId}) as events,
             (select count(*)::int from deliveries where tenant_id = ${tenantId}) as deliveries`;
    return row!;
  } finally {
    await sql.end();
  }
}

describe('events.publish under retry', () => {
  it('returns the first event when the answer to the first try was lost, and stores nothing twice', async () => {
    const { token, tenantId } = await createTenantWithEventType(gateway);
    const setup = sdk(gateway, token);
    await setup.endpoints.create({ url: target.url });
    const lossy = losingFirstAnswer();
    const acme = sdk(gateway, token, { fetch: lossy.fetch, retryBackoff: { initialDelayMs: 10 } });

    const { event, deliveries } = await acme.events.publish({ eventType: 'invoice.paid', payload: { invoiceId: 'inv_1' } });
    expect(lossy.calls()).toBe(2);
    expect(event.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(deliveries).toHaveLength(1);
    await expect(countRows(tenantId)).resolves.toEqual({ events: 1, deliveries: 1 });

    await waitForDelivery(setup, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    // Give a duplicate, if there were one, the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests.filter((r) => r.headers['webhook-id'] === event.id)).toHaveLength(1);
  });

  it('publishBatch retried after a lost answer returns the first events and stores each once', async () => {
    const { token, tenantId } = await createTenantWithEventType(gateway);
    const setup = sdk(gateway, token);
    await setup.endpoints.create({ url: target.url });
    const lossy = losingFirstAnswer();
    const acme = sdk(gateway, token, { fetch: lossy.fetch, retryBackoff: { initialDelayMs: 10 } });

    const results = await acme.events.publishBatch([
      { eventType: 'invoice.paid', payload: { n: 0 } },
      { eventType: 'invoice.paid', payload: { n: 1 }, idempotencyKey: 'given-1' },
    ]);
    expect(lossy.calls()).toBe(2);
    expect(results.map((r) => r.event.payload)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(results[1]!.event.idempotencyKey).toBe('given-1');
    await expect(countRows(tenantId)).resolves.toEqual({ events: 2, deliveries: 2 });
    for (const { deliveries } of results) await waitForDelivery(setup, deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
  });

  it('would have stored the event twice without the idempotency key: the test can tell', async () => {
    const { token, tenantId } = await createTenantWithEventType(gateway);
    const lossy = losingFirstAnswer();
    // Through the escape hatch, a mutation is tried once: the lost answer surfaces as a
    // ConnectionError though the event was stored, which is why publish carries a key.
    const acme = sdk(gateway, token, { fetch: lossy.fetch });
    const publish = 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { event { id } } }';
    await expect(acme.graphql(publish, { input: { eventType: 'invoice.paid', payload: {} } })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    await acme.graphql(publish, { input: { eventType: 'invoice.paid', payload: {} } });
    await expect(countRows(tenantId)).resolves.toMatchObject({ events: 2 });
  });
});
