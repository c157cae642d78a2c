import { InvalidInputError } from '../errors.ts';

/** Delays before each attempt, in ms; the first is the delay before the first attempt (normally 0). */
export type RetrySchedule = readonly number[];

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_ATTEMPTS = 20;
const MAX_DELAY_MS = 7 * UNIT_MS.d;

/**
 * Parses `0s,5s,5m,30m,2h` into delays in ms; the schedule's length is the number of attempts. Every
 * input that takes a schedule names it `retrySchedule`, so a refusal names that field.
 */
export function parseRetrySchedule(text: string): RetrySchedule {
  const field = { field: 'retrySchedule' };
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.length > MAX_ATTEMPTS || parts.some((p) => p === '')) {
    throw new InvalidInputError(`A retry schedule lists 1 to ${MAX_ATTEMPTS} delays, like "0s,5s,5m,30m"; got "${text}".`, field);
  }
  return parts.map((part) => {
    const ms = parseDuration(part, field);
    if (ms > MAX_DELAY_MS) throw new InvalidInputError(`"${part}" is longer than the 7 days a retry may wait.`, field);
    return ms;
  });
}

/** A number and a unit (ms, s, m, h, d), like `30s` or `5d`, in milliseconds. */
export function parseDuration(text: string, details?: { field: string }): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match)
    throw new InvalidInputError(`"${text}" is not a delay; write a number and a unit (ms, s, m, h, d), like 30s.`, details);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export function formatRetrySchedule(schedule: RetrySchedule): string {
  return schedule.map((ms) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)).join(',');
}

/**
 * After `attemptsMade` attempts have failed: the delay before the next one, or null when the
 * schedule is spent and the delivery is dead-lettered.
 */
export function delayBeforeNextAttempt(schedule: RetrySchedule, attemptsMade: number): number | null {
  return attemptsMade < schedule.length ? (schedule[attemptsMade] ?? null) : null;
}
