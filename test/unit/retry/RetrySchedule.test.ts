import { describe, expect, it } from 'vitest';
import { defaultRetrySchedule } from '../../../functions/core/retry/defaultRetrySchedule.ts';
import { InvalidRetryInputError, InvalidRetryScheduleError } from '../../../functions/core/retry/errors.ts';
import { RetrySchedule } from '../../../functions/core/retry/RetrySchedule.ts';

const justBelowOne = 1 - Number.EPSILON;

describe('RetrySchedule', () => {
  it.each([
    ['no waits', []],
    ['zero wait', [1000, 0]],
    ['negative wait', [-1]],
    ['fractional wait', [1.5]],
    ['NaN wait', [Number.NaN]],
    ['wait over 7 days', [7 * 86_400_000 + 1]],
    ['51 waits', Array.from({ length: 51 }, () => 1000)],
  ])('constructor rejects %s', (_name, waits) => {
    expect(() => new RetrySchedule(waits)).toThrow(InvalidRetryScheduleError);
  });

  it('does not share the caller array', () => {
    const waits = [1000, 2000];
    const schedule = new RetrySchedule(waits);
    waits[0] = 5;
    expect(schedule.waitsMs).toEqual([1000, 2000]);
  });

  it.each([0, -1, 1.5, Number.NaN])('delayBefore rejects attempt number %s', (attempt) => {
    expect(() => defaultRetrySchedule.delayBefore(attempt)).toThrow(InvalidRetryInputError);
  });

  it.each([-1, 0.5])('nextDelay rejects attempts made %s', (attempts) => {
    expect(() => defaultRetrySchedule.nextDelay(attempts, () => 0.5)).toThrow(InvalidRetryInputError);
  });

  describe('nextDelay jitter', () => {
    const schedule = new RetrySchedule([10_000, 300_000, 36_000_000]);

    it.each([
      // attemptsMade, random, expected
      [0, 0, 0],
      [0, justBelowOne, 0],
      [1, 0, 8_000],
      [1, 0.5, 10_000],
      [1, justBelowOne, 12_000],
      [2, 0, 240_000],
      [2, 0.25, 270_000],
      [2, justBelowOne, 360_000],
      [3, 0, 28_800_000],
      [3, justBelowOne, 43_200_000],
    ])('after %i attempts with random %f waits %i ms', (attemptsMade, random, expected) => {
      expect(schedule.nextDelay(attemptsMade, () => random)).toBe(expected);
    });

    it('returns undefined once the schedule is exhausted', () => {
      expect(schedule.nextDelay(4, () => 0.5)).toBeUndefined();
      expect(schedule.nextDelay(40, () => 0.5)).toBeUndefined();
    });

    it('stays within ±20% for any random value, even out-of-range ones', () => {
      for (const random of [-3, 0, 0.1, 0.37, 0.5, 0.81, justBelowOne, 1, 7]) {
        const delay = schedule.nextDelay(1, () => random) ?? Number.NaN;
        expect(delay).toBeGreaterThanOrEqual(8_000);
        expect(delay).toBeLessThanOrEqual(12_000);
      }
    });

    it('uses Math.random by default', () => {
      const delay = schedule.nextDelay(1) ?? Number.NaN;
      expect(delay).toBeGreaterThanOrEqual(8_000);
      expect(delay).toBeLessThanOrEqual(12_000);
    });
  });
});
