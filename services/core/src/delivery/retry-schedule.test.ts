import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { delayBeforeNextAttempt, formatRetrySchedule, parseRetrySchedule } from './retry-schedule.ts';

describe('parseRetrySchedule', () => {
  it('parses the default schedule into delays in milliseconds', () => {
    expect(parseRetrySchedule('0s,5s,5m,30m,2h,5h,10h,10h')).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
  });

  it('accepts milliseconds and days, and spaces around commas', () => {
    expect(parseRetrySchedule('0ms, 250ms, 1d')).toEqual([0, 250, 86_400_000]);
  });

  it.each(['', '5', '5x', '1s,,2s', '-1s', '8d', Array(21).fill('1s').join(',')])('refuses %j, naming the field', (text) => {
    let error: unknown;
    try {
      parseRetrySchedule(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).details).toEqual({ field: 'retrySchedule' });
  });

  it('round-trips through formatRetrySchedule', () => {
    expect(formatRetrySchedule(parseRetrySchedule('0s,5s,300s,250ms'))).toBe('0s,5s,300s,250ms');
  });
});

describe('delayBeforeNextAttempt', () => {
  const schedule = parseRetrySchedule('0s,5s,5m');

  it('gives the delay before the second attempt after the first fails', () => {
    expect(delayBeforeNextAttempt(schedule, 1)).toBe(5_000);
    expect(delayBeforeNextAttempt(schedule, 2)).toBe(300_000);
  });

  it('dead-letters after the last scheduled attempt', () => {
    expect(delayBeforeNextAttempt(schedule, 3)).toBeNull();
  });
});
