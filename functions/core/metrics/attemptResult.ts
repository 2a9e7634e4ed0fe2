import { ERROR_CLASS } from '../retry/constants.ts';

const KNOWN_ERROR_CLASSES = new Set<string>(Object.values(ERROR_CLASS));

/**
 * The `result` label of an attempt: the status class when the receiver answered (`2xx`..`5xx`),
 * else the network error class. Bounded to a dozen values so it can be a CloudWatch dimension:
 * an out-of-range status or an unknown error class is `other`.
 */
export function attemptResult(status: number | null, errorClass: string | null): string {
  if (status !== null && status >= 100 && status <= 599) return `${Math.floor(status / 100)}xx`;
  if (errorClass && errorClass !== 'http' && KNOWN_ERROR_CLASSES.has(errorClass)) return errorClass;
  return ERROR_CLASS.other;
}
