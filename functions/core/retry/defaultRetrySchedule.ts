import { RETRY_SCHEDULE } from './constants.ts';
import { parseRetrySchedule } from './parseRetrySchedule.ts';

/** Immediately, then 5s, 5m, 30m, 2h, 5h, 10h, 10h: 8 attempts in total. */
export const defaultRetrySchedule = parseRetrySchedule(RETRY_SCHEDULE.defaultText);
