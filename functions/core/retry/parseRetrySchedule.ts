import { RETRY_SCHEDULE } from './constants.ts';
import { InvalidRetryScheduleError } from './errors.ts';
import { parseDuration } from './parseDuration.ts';
import { RetrySchedule } from './RetrySchedule.ts';

/**
 * Parses a comma-separated list of waits such as `5s,5m,30m,2h,5h,10h,10h`. Units are ms, s, m, h and d;
 * amounts are whole numbers; whitespace around entries and between amount and unit is ignored.
 */
export function parseRetrySchedule(text: string): RetrySchedule {
  if (text.trim() === '') {
    throw new InvalidRetryScheduleError('retry schedule must contain at least one wait, e.g. "5s,5m,30m"');
  }
  const entries = text.split(',');
  if (entries.length > RETRY_SCHEDULE.maxEntries) {
    throw new InvalidRetryScheduleError(
      `retry schedule has ${entries.length} entries; at most ${RETRY_SCHEDULE.maxEntries} are allowed`,
    );
  }
  return new RetrySchedule(entries.map((entry, index) => parseEntry(entry, index)));
}

function parseEntry(raw: string, index: number): number {
  const entry = raw.trim();
  const where = `retry schedule entry #${index + 1} "${entry}"`;
  const ms = parseDuration(entry);
  if (ms === undefined) {
    throw new InvalidRetryScheduleError(
      `${where} is not a whole number followed by one of ms, s, m, h, d (e.g. "30m")`,
      entry,
    );
  }
  if (ms <= 0) {
    throw new InvalidRetryScheduleError(`${where} must be greater than 0`, entry);
  }
  if (ms > RETRY_SCHEDULE.maxWaitMs) {
    throw new InvalidRetryScheduleError(`${where} exceeds the maximum wait of 7d`, entry);
  }
  return ms;
}
