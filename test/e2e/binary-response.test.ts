import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { createEndpoint, createTenantWithEventType, publish, waitForDelivery } from '../support/scenario.ts';

// Postgres text refuses NUL bytes: a receiver answering binary must not poison the attempt write
// (on the fast path it held every result of the batch and re-sent the delivery forever).
let gateway: TestGateway;
const receivers: Receiver[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ DELIVERY_RETRY_SCHEDULE: '0s,1s,1s' });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

const binary = Buffer.from([0x00, 0x01, 0xff, 0x00, 0x7b]);
const gzipped = gzipSync(Buffer.from(`{"ok":true,"nul":"\u0000"}`));

describe('a receiver answering a binary body', () => {
  it('succeeds on the first attempt, the attempt logged with a placeholder body', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await startReceiver(() => ({
      status: 200,
      body: gzipped,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    }));
    receivers.push(target);
    await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 1 } });

    const delivery = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    expect(delivery.attempts).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        path: 'FAST',
        outcome: 'SUCCESS',
        responseBody: `[binary body, ${gzipped.length} bytes, content-type application/json, content-encoding gzip]`,
      }),
    ]);
    expect(target.requests).toHaveLength(1);
  });

  it('is retried through the workflow and succeeds, every attempt logged', async () => {
    const tenant = await createTenantWithEventType(gateway);
    const target = await startReceiver((_, index) => ({
      status: index < 2 ? 500 : 200,
      body: binary,
      headers: { 'content-type': 'application/octet-stream' },
    }));
    receivers.push(target);
    await createEndpoint(gateway, tenant.token, { url: target.url });
    const published = await publish(gateway, tenant.token, { eventType: 'invoice.paid', payload: { n: 2 } });

    const delivery = await waitForDelivery(gateway, tenant.token, published.deliveries[0]!.id, (d) => d.status === 'SUCCEEDED');
    const placeholder = `[binary body, ${binary.length} bytes, content-type application/octet-stream]`;
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ attemptNumber: 1, path: 'FAST', outcome: 'HTTP_ERROR', responseBody: placeholder }),
      expect.objectContaining({ attemptNumber: 2, path: 'DURABLE', outcome: 'HTTP_ERROR', responseBody: placeholder }),
      expect.objectContaining({ attemptNumber: 3, path: 'DURABLE', outcome: 'SUCCESS', responseBody: placeholder }),
    ]);
    expect(delivery.attemptCount).toBe(3);
    expect(target.requests).toHaveLength(3);
  });
});
