// The publish rate limit as the SDK meets it on a real gateway whose tenants may publish one event
// a second (bursts of two): the gateway's Retry-After reaches the caller as RateLimitError, and the
// client waits out a short one by itself.
import { RateLimitError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { countingFetch, sdkTestBed } from './sdk-support.ts';

const bed = sdkTestBed({ PUBLISH_RATE_PER_SECOND: '1', PUBLISH_BURST: '2' }, { worker: false });

describe('the publish rate limit', () => {
  it('refuses a publish over the limit with RateLimitError carrying the gateway’s retryAfterSeconds', async () => {
    const { acme, token } = await bed.tenant();
    const counter = countingFetch();
    const impatient = bed.sdk(token, { maxRetries: 0, fetch: counter.fetch });
    // The burst of two goes through; the bucket refills one a second, much slower than this loop.
    let stored = 0;
    let error: unknown;
    while (!error && counter.calls() < 10) {
      await impatient.events.publish({ eventType: 'invoice.paid', payload: { n: stored } }).then(
        () => stored++,
        (e) => (error = e),
      );
    }
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 1 });
    expect(stored).toBeGreaterThanOrEqual(2);
    // Refused means not stored, and not retried (maxRetries: 0).
    expect(counter.calls()).toBe(stored + 1);
    await expect(acme.events.list()).resolves.toMatchObject({ items: { length: stored } });
  });

  it('retries a rate-limited publish after the short Retry-After, and stores the event once', async () => {
    const { acme, token } = await bed.tenant();
    // Takes the whole burst at once: the bucket is empty now.
    await acme.events.publishBatch([
      { eventType: 'invoice.paid', payload: { n: 0 } },
      { eventType: 'invoice.paid', payload: { n: 1 } },
    ]);

    const counter = countingFetch();
    const patient = bed.sdk(token, { fetch: counter.fetch });
    const { event } = await patient.events.publish({ eventType: 'invoice.paid', payload: { n: 2 } });
    // The first try was refused, the second (a second later) went through.
    expect(counter.calls()).toBe(2);
    const stored = await acme.events.list();
    expect(stored.items.map((e) => e.payload)).toEqual([{ n: 2 }, { n: 1 }, { n: 0 }]);
    expect(stored.items[0]!.id).toBe(event.id);
  });

  it('does not wait out a Retry-After longer than a minute: the caller gets the error at once', async () => {
    const { tenant, apiKey } = await bed.operator().tenants.create({
      name: 'Bulk sender',
      limits: { publishRatePerSecond: 1, publishBurst: 100 },
    });
    expect(tenant.limits).toMatchObject({ publishRatePerSecond: 1, publishBurst: 100 });
    const acme = bed.sdk(apiKey.token);
    await acme.eventTypes.create({ name: 'invoice.paid' });
    const batch = Array.from({ length: 100 }, (_, n) => ({ eventType: 'invoice.paid', payload: { n } }));
    await expect(acme.events.publishBatch(batch)).resolves.toHaveLength(100);

    const counter = countingFetch();
    const client = bed.sdk(apiKey.token, { fetch: counter.fetch });
    const error = await client.events.publishBatch(batch).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterSeconds).toBeGreaterThan(60);
    expect(counter.calls()).toBe(1);
  });
});
