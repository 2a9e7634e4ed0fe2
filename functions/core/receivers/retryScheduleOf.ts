import { parseRetrySchedule } from '../retry/parseRetrySchedule.ts';
import type { RetrySchedule } from '../retry/RetrySchedule.ts';
import type { ReceiverOptions } from './ReceiverOptions.ts';

// Parsed once per distinct text: the same few schedules come back on every attempt.
const parsed = new Map<string, RetrySchedule>();
const PARSED_LIMIT = 1_000;

/**
 * The endpoint's own retry schedule, or the runtime's. The text was validated when it was stored;
 * one that no longer parses (a rule tightened since) falls back to the runtime's schedule rather
 * than failing the delivery.
 */
export function retryScheduleOf(
  receiver: ReceiverOptions | null | undefined,
  fallback: RetrySchedule,
): RetrySchedule {
  const text = receiver?.retrySchedule;
  if (!text) return fallback;
  let schedule = parsed.get(text);
  if (!schedule) {
    try {
      schedule = parseRetrySchedule(text);
    } catch {
      return fallback;
    }
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, schedule);
  }
  return schedule;
}
