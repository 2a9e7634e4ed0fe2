import { describe, expect, it } from 'vitest';
import { defaultRetrySchedule } from '../../../functions/core/retry/defaultRetrySchedule.ts';
import { InvalidRetryScheduleError } from '../../../functions/core/retry/errors.ts';
import { parseRetrySchedule } from '../../../functions/core/retry/parseRetrySchedule.ts';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseRetrySchedule', () => {
  it.each([
    ['5s,5m,30m,2h,5h,10h,10h', [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]],
    ['250ms', [250]],
    ['1d', [D]],
    ['7d', [7 * D]],
    ['168h', [7 * D]],
    ['604800000ms', [7 * D]],
    ['  5s , 1 m,\t2 h  ', [5 * S, M, 2 * H]],
    [Array.from({ length: 50 }, () => '1s').join(','), Array.from({ length: 50 }, () => S)],
  ])('parses %j', (text, waits) => {
    const schedule = parseRetrySchedule(text);
    expect(schedule.waitsMs).toEqual(waits);
    expect(schedule.maxAttempts).toBe(waits.length + 1);
  });

  it.each([
    ['empty text', '', undefined],
    ['whitespace only', '   ', undefined],
    ['empty entry', '5s,,5m', ''],
    ['trailing comma', '5s,5m,', ''],
    ['missing unit', '5', '5'],
    ['unknown unit', '5w', '5w'],
    ['upper-case unit', '5S', '5S'],
    ['fractional amount', '1.5h', '1.5h'],
    ['negative amount', '-5s', '-5s'],
    ['zero', '0s', '0s'],
    ['zero milliseconds', '5s,0ms', '0ms'],
    ['more than 7 days', '7d,8d', '8d'],
    ['just over 7 days', '604800001ms', '604800001ms'],
    ['unit before amount', 's5', 's5'],
    ['51 entries', Array.from({ length: 51 }, () => '1s').join(','), undefined],
  ])('rejects %s', (_name, text, entry) => {
    let error: unknown;
    try {
      parseRetrySchedule(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRetryScheduleError);
    const scheduleError = error as InvalidRetryScheduleError;
    expect(scheduleError.code).toBe('invalid_retry_schedule');
    expect(scheduleError.entry).toBe(entry);
    if (entry !== undefined) {
      expect(scheduleError.message).toContain(`"${entry}"`);
    }
  });

  it('names the position of the bad entry', () => {
    expect(() => parseRetrySchedule('5s,5m,oops')).toThrow(/#3 "oops"/);
  });

  it('round-trips through toString using the largest exact unit', () => {
    const schedule = parseRetrySchedule('5000ms, 90s, 60m, 24h, 1500ms');
    expect(schedule.toString()).toBe('5s,90s,1h,1d,1500ms');
    expect(parseRetrySchedule(schedule.toString()).waitsMs).toEqual(schedule.waitsMs);
  });
});

describe('defaultRetrySchedule', () => {
  it('is immediate, then 5s, 5m, 30m, 2h, 5h, 10h, 10h: 8 attempts', () => {
    expect(defaultRetrySchedule.maxAttempts).toBe(8);
    expect(defaultRetrySchedule.toString()).toBe('5s,5m,30m,2h,5h,10h,10h');
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => defaultRetrySchedule.delayBefore(n))).toEqual([
      0,
      5 * S,
      5 * M,
      30 * M,
      2 * H,
      5 * H,
      10 * H,
      10 * H,
      undefined,
    ]);
  });
});
