import { DURATION_UNIT_MS } from './constants.ts';
import { parseHttpDate } from './parseHttpDate.ts';

// RFC 9110 only allows whole non-negative seconds; a sign and a fraction are tolerated because some
// receivers send them and their intent is unambiguous.
const DELTA_SECONDS = /^-?\d+(?:\.\d+)?$/;

/**
 * Converts a Retry-After header (delta-seconds or HTTP-date) into a wait in milliseconds from `now`.
 * Returns undefined when the header is absent or unparseable; waits in the past become 0.
 * No upper bound is applied here: bounding is retry policy, done by decideAfterAttempt.
 */
export function parseRetryAfter(headerValue: string | undefined, now: Date): number | undefined {
  if (headerValue === undefined) {
    return undefined;
  }
  const text = headerValue.trim();
  if (text === '') {
    return undefined;
  }
  if (DELTA_SECONDS.test(text)) {
    return clamp(Math.ceil(Number(text) * DURATION_UNIT_MS.s));
  }
  const date = parseHttpDate(text, now);
  return date === undefined ? undefined : clamp(date.getTime() - now.getTime());
}

function clamp(ms: number): number {
  return Math.min(Math.max(ms, 0), Number.MAX_SAFE_INTEGER);
}
