import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from './clock.ts';
import { Receiver, waitForDeliveries } from './receiver.ts';

// The benchmark's receiver with --receiver-delay: healthy endpoints answer late, their arrival is
// recorded at once (latency is measured to the arrival), and the misbehaving ones are unchanged.
describe('a receiver with a delay', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await Receiver.start(1000);
  });
  afterAll(() => receiver?.close());

  it('answers healthy endpoints that late, records their arrival at once, and fails the failing ones at once', async () => {
    const tracker = receiver.track('/ok/delay/');
    const sentAt = now();
    const ok = await fetch(receiver.url('ok', 'delay', 0), { method: 'POST', headers: { 'webhook-id': 'msg_1' }, body: '{}' });
    const answeredAt = now();
    expect(ok.status).toBe(200);
    expect(answeredAt - sentAt).toBeGreaterThanOrEqual(990);
    expect(await waitForDeliveries(tracker, 1, 5000)).toBe(true);
    expect(tracker.arrivalOf(receiver.path('ok', 'delay', 0), 'msg_1')! - sentAt).toBeLessThan(answeredAt - sentAt - 900);

    const failing = now();
    const fail = await fetch(receiver.url('fail', 'delay', 0), { method: 'POST', body: '{}' });
    expect(fail.status).toBe(500);
    expect(now() - failing).toBeLessThan(700);
  });
});
