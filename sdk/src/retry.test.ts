import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError, InvalidRequestError, RateLimitError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, retryDelayMs } from './retry.ts';

const serverError = new ApiError('down', { code: 'INTERNAL_SERVER_ERROR', status: 503 });

describe('retryDelayMs', () => {
  it('doubles from the initial delay up to the cap, jittered within the upper half', () => {
    const low = (retry: number) => retryDelayMs(retry, serverError, DEFAULT_RETRY_POLICY, () => 0);
    const high = (retry: number) => retryDelayMs(retry, serverError, DEFAULT_RETRY_POLICY, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 5, 10].map(low)).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(high(0)).toBeCloseTo(500, 0);
    expect(high(10)).toBeCloseTo(8000, 0);
  });

  it('spreads clients that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(2, serverError, DEFAULT_RETRY_POLICY)));
    expect(delays.size).toBeGreaterThan(1);
  });

  it("follows the gateway's Retry-After, and refuses to wait longer than the policy allows", () => {
    const limited = (seconds: number) => new RateLimitError('slow', { code: 'RATE_LIMITED', retryAfterSeconds: seconds });
    expect(retryDelayMs(0, limited(3), DEFAULT_RETRY_POLICY)).toBe(3000);
    expect(retryDelayMs(0, limited(61), DEFAULT_RETRY_POLICY)).toBeNull();
  });
});

describe('isRetryable', () => {
  it('retries network failures, rate limits and 5xx, never refusals', () => {
    expect(isRetryable(new ConnectionError('x', { code: 'CONNECTION_ERROR' }))).toBe(true);
    expect(isRetryable(new RateLimitError('x', { code: 'RATE_LIMITED', status: 429 }))).toBe(true);
    expect(isRetryable(serverError)).toBe(true);
    expect(isRetryable(new InvalidRequestError('x', { code: 'BAD_USER_INPUT', status: 400 }))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
