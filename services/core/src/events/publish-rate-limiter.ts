import { InvalidInputError, RateLimitedError } from '../errors.ts';

interface Bucket {
  tokens: number;
  at: number;
  /** When it will be full again, if nothing more is taken. */
  fullAt: number;
}

/**
 * Token buckets by key (a tenant's publishing, or one key's test events), in this process's memory: `publishBurst` tokens, refilled at
 * `publishRatePerSecond`, one per event. No database round trip and no shared row to lock on the hot
 * path. With N API processes behind a load balancer each keeps its own buckets, so a tenant may
 * publish up to N × its limit in total; divide the limits by N for an exact cap (DESIGN §6).
 */
export class PublishRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes `count` tokens from the bucket `key` or throws RATE_LIMITED with `retryAfterSeconds`; all or none. */
  take(key: string, limits: { publishRatePerSecond: number; publishBurst: number }, count = 1) {
    const { publishRatePerSecond: rate, publishBurst: burst } = limits;
    if (count > burst)
      throw new InvalidInputError(`${count} events at once is more than this tenant's burst of ${burst}; send fewer per call.`, {
        field: 'events',
      });
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now, fullAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens < count) {
      this.buckets.set(key, bucket);
      const retryAfterSeconds = Math.max(1, Math.ceil((count - bucket.tokens) / rate));
      throw new RateLimitedError(`Publish rate limit reached (${rate}/s, burst ${burst}); retry in ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      });
    }
    bucket.tokens -= count;
    bucket.fullAt = now + ((burst - bucket.tokens) / rate) * 1000;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return { limit: burst, remaining: Math.floor(bucket.tokens) };
  }

  /** A bucket that has refilled is the same as no bucket: drop those, so memory follows active tenants only. */
  private forgetFull(now: number) {
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key);
  }
}
