import { describe, expect, it } from 'vitest';
import { PublishRateLimiter } from './publish-rate-limiter.ts';

describe('the publish token bucket', () => {
  const limits = { publishRatePerSecond: 10, publishBurst: 5 };

  it('allows a burst, then refuses with the seconds to wait, then refills at the rate', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(() => now);
    for (let i = 0; i < 5; i++) limiter.take('t', limits);
    expect(() => limiter.take('t', limits)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } }),
    );
    now += 200; // two tokens back
    expect(limiter.take('t', limits, 2)).toEqual({ limit: 5, remaining: 0 });
    expect(() => limiter.take('t', limits)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
  });

  it('keeps each tenant in its own bucket', () => {
    const limiter = new PublishRateLimiter(() => 0);
    for (let i = 0; i < 5; i++) limiter.take('a', limits);
    expect(limiter.take('b', limits)).toEqual({ limit: 5, remaining: 4 });
  });

  it('takes a batch whole or not at all, and refuses a batch larger than the burst outright', () => {
    const limiter = new PublishRateLimiter(() => 0);
    limiter.take('t', limits, 3);
    expect(() => limiter.take('t', limits, 3)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    expect(limiter.take('t', limits, 2)).toEqual({ limit: 5, remaining: 0 });
    expect(() => limiter.take('u', limits, 6)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
