import { DURATION_UNIT_MS, RETRY_SCHEDULE } from './constants.ts';
import { InvalidRetryInputError, InvalidRetryScheduleError } from './errors.ts';
import type { RandomSource } from './RandomSource.ts';

// Largest unit first so toString() picks the most readable exact spelling.
const UNITS_DESCENDING = (Object.entries(DURATION_UNIT_MS) as [string, number][]).sort((a, b) => b[1] - a[1]);

/**
 * Waits between delivery attempts. Attempt 1 always goes out immediately; `waitsMs[i]` is the wait
 * before attempt i + 2, so a schedule with n waits allows n + 1 attempts.
 */
export class RetrySchedule {
  readonly waitsMs: readonly number[];

  constructor(waitsMs: readonly number[]) {
    if (waitsMs.length === 0) {
      throw new InvalidRetryScheduleError('retry schedule must contain at least one wait');
    }
    if (waitsMs.length > RETRY_SCHEDULE.maxEntries) {
      throw new InvalidRetryScheduleError(
        `retry schedule has ${waitsMs.length} waits; at most ${RETRY_SCHEDULE.maxEntries} are allowed`,
      );
    }
    waitsMs.forEach((wait, index) => {
      if (!Number.isSafeInteger(wait) || wait <= 0 || wait > RETRY_SCHEDULE.maxWaitMs) {
        throw new InvalidRetryScheduleError(
          `retry schedule wait #${index + 1} (${wait} ms) must be a whole number of ms above 0 and at most 7 days`,
          String(wait),
        );
      }
    });
    this.waitsMs = Object.freeze([...waitsMs]);
  }

  get maxAttempts(): number {
    return this.waitsMs.length + 1;
  }

  /** Un-jittered wait before the given 1-based attempt; undefined once the schedule has no such attempt. */
  delayBefore(attemptNumber: number): number | undefined {
    if (!Number.isSafeInteger(attemptNumber) || attemptNumber < 1) {
      throw new InvalidRetryInputError(`attempt number must be an integer >= 1, got ${attemptNumber}`);
    }
    if (attemptNumber === 1) {
      return 0;
    }
    return this.waitsMs[attemptNumber - 2];
  }

  /**
   * Jittered wait before the attempt following `attemptsMade`, within ±jitterRatio of the scheduled
   * wait; undefined when the schedule is exhausted.
   */
  nextDelay(attemptsMade: number, random: RandomSource = Math.random): number | undefined {
    if (!Number.isSafeInteger(attemptsMade) || attemptsMade < 0) {
      throw new InvalidRetryInputError(`attempts made must be an integer >= 0, got ${attemptsMade}`);
    }
    const base = this.delayBefore(attemptsMade + 1);
    if (base === undefined) {
      return undefined;
    }
    // Clamped so a misbehaving random source can never push the delay outside the documented band.
    const unit = Math.min(Math.max(random(), 0), 1);
    return Math.round(base * (1 + RETRY_SCHEDULE.jitterRatio * (2 * unit - 1)));
  }

  /** The canonical text form, accepted back by parseRetrySchedule. */
  toString(): string {
    return this.waitsMs
      .map((wait) => {
        const [unit, size] = UNITS_DESCENDING.find(([, unitMs]) => wait % unitMs === 0) ?? ['ms', 1];
        return `${wait / size}${unit}`;
      })
      .join(',');
  }
}
