import { AcmeError, ApiError, ConnectionError, RateLimitError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first try (default 2). */
  maxRetries: number;
  /** The first backoff; each retry doubles it (default 500 ms). */
  initialDelayMs: number;
  /** The longest backoff (default 8 s). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead (default 60 s). */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterSeconds: 60,
};

/** Network failures, rate limits and server errors may succeed on a second try; refusals never will. */
export function isRetryable(error: AcmeError): boolean {
  if (error instanceof ConnectionError || error instanceof RateLimitError) return true;
  return error instanceof ApiError && (error.status ?? 500) >= 500;
}

/**
 * How long to wait before retry number `retry` (0-based), or null when the error should not be
 * waited out. Exponential backoff with equal jitter, so that clients that failed together do
 * not all come back at once; a Retry-After from the gateway wins over the backoff.
 */
export function retryDelayMs(
  retry: number,
  error: AcmeError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  if (error instanceof RateLimitError && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds > policy.maxRetryAfterSeconds ? null : error.retryAfterSeconds * 1000;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { retry: boolean; policy: RetryPolicy; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!options.retry || retry >= options.policy.maxRetries || !(error instanceof AcmeError) || !isRetryable(error))
        throw error;
      const delay = retryDelayMs(retry, error, options.policy);
      if (delay === null) throw error;
      await sleep(delay);
    }
  }
}
