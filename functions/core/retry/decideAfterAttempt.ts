/*
 * What happens to a delivery after one HTTP attempt. Rules, applied in this order:
 *
 *  1. A 2xx response means delivered, even on the last allowed attempt.
 *  2. 410 Gone means dead immediately and the endpoint is to be disabled: the receiver has told us
 *     the URL is permanently gone, so later messages would fail the same way.
 *  3. A `blocked` transport error (the SSRF guard refused the resolved address) means dead
 *     immediately; retrying the same address can never succeed. The endpoint is not disabled, since
 *     its DNS may legitimately move back to a public address.
 *  4. Every other outcome is a failure and is retried while attempts remain:
 *     - 3xx, because redirects are never followed (a redirect could point at an internal address);
 *     - every other 4xx, including 400/404 which receivers commonly return while being deployed,
 *       as Svix does; 408/409/425/429 are the conventional retryable ones and are no exception;
 *     - 1xx and 5xx;
 *     - transport errors: timeout, connect, dns, reset, tls, other.
 *  5. When attemptsMade >= schedule.maxAttempts a failure is dead, with the reason
 *     "attempts exhausted after N attempts, last: <last failure>". The endpoint is not disabled.
 *  6. Otherwise the retry waits the largest of:
 *     - the schedule's wait before attempt attemptsMade + 1, with ±20% jitter;
 *     - RETRY_POLICY.minThrottledDelayMs (30 s), only after 429, 408 or a transport timeout: the
 *       receiver is overloaded or slow and the schedule's early 5 s step would only add load;
 *     - the response's Retry-After (delta-seconds or HTTP-date, on any failed response, not only
 *       429/503) capped at RETRY_POLICY.maxRetryAfterMs (24 h) so a hostile or buggy header cannot
 *       park a delivery indefinitely. Retry-After can only lengthen a wait, never shorten the
 *       schedule, because the schedule also protects receivers that advertise optimistic values.
 *     Unparseable Retry-After values are ignored.
 */
import {
  DECISION_KIND,
  ERROR_CLASS,
  type ErrorClass,
  HTTP_STATUS,
  OUTCOME_KIND,
  RETRY_POLICY,
} from './constants.ts';
import { InvalidRetryInputError } from './errors.ts';
import { parseRetryAfter } from './parseRetryAfter.ts';
import type { RandomSource } from './RandomSource.ts';
import type { RetrySchedule } from './RetrySchedule.ts';

/** Response headers as undici or node:http expose them; names are matched case-insensitively. */
export type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type AttemptOutcome =
  | { kind: typeof OUTCOME_KIND.response; status: number; headers?: ResponseHeaders }
  | { kind: typeof OUTCOME_KIND.error; errorClass: ErrorClass; detail?: string };

export interface DecideAfterAttemptInput {
  /** Attempts made so far, including the one whose outcome is being decided (so >= 1). */
  attemptsMade: number;
  outcome: AttemptOutcome;
  schedule: RetrySchedule;
  now: Date;
  random?: RandomSource;
}

export type AttemptDecision =
  | { kind: typeof DECISION_KIND.delivered }
  | { kind: typeof DECISION_KIND.retry; delayMs: number; reason: string }
  | { kind: typeof DECISION_KIND.dead; reason: string; disableEndpoint: boolean };

export function decideAfterAttempt({
  attemptsMade,
  outcome,
  schedule,
  now,
  random = Math.random,
}: DecideAfterAttemptInput): AttemptDecision {
  if (!Number.isSafeInteger(attemptsMade) || attemptsMade < 1) {
    throw new InvalidRetryInputError(`attempts made must be an integer >= 1, got ${attemptsMade}`);
  }
  if (outcome.kind === OUTCOME_KIND.response) {
    const { status } = outcome;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new InvalidRetryInputError(`HTTP status must be an integer from 100 to 599, got ${status}`);
    }
    if (status >= 200 && status < 300) {
      return { kind: DECISION_KIND.delivered };
    }
    if (status === HTTP_STATUS.gone) {
      return {
        kind: DECISION_KIND.dead,
        reason: `${describe(outcome)}: endpoint is gone`,
        disableEndpoint: true,
      };
    }
  } else if (outcome.errorClass === ERROR_CLASS.blocked) {
    return {
      kind: DECISION_KIND.dead,
      reason: `${describe(outcome)}: address refused by the SSRF guard`,
      disableEndpoint: false,
    };
  }

  const last = describe(outcome);
  const scheduled = schedule.nextDelay(attemptsMade, random);
  if (scheduled === undefined) {
    return {
      kind: DECISION_KIND.dead,
      reason: `attempts exhausted after ${attemptsMade} attempts, last: ${last}`,
      disableEndpoint: false,
    };
  }

  let delayMs = scheduled;
  let why = '';
  if (isThrottled(outcome) && RETRY_POLICY.minThrottledDelayMs > delayMs) {
    delayMs = RETRY_POLICY.minThrottledDelayMs;
    why = `; throttled minimum ${RETRY_POLICY.minThrottledDelayMs} ms applied`;
  }
  const retryAfter =
    outcome.kind === OUTCOME_KIND.response
      ? parseRetryAfter(headerValue(outcome.headers, 'retry-after'), now)
      : undefined;
  if (retryAfter !== undefined) {
    const bounded = Math.min(retryAfter, RETRY_POLICY.maxRetryAfterMs);
    if (bounded > delayMs) {
      delayMs = bounded;
      why = `; Retry-After honoured${bounded < retryAfter ? ` (capped at ${RETRY_POLICY.maxRetryAfterMs} ms)` : ''}`;
    }
  }
  return { kind: DECISION_KIND.retry, delayMs, reason: `${last}${why}` };
}

function isThrottled(outcome: AttemptOutcome): boolean {
  if (outcome.kind === OUTCOME_KIND.error) {
    return outcome.errorClass === ERROR_CLASS.timeout;
  }
  return outcome.status === HTTP_STATUS.tooManyRequests || outcome.status === HTTP_STATUS.requestTimeout;
}

function describe(outcome: AttemptOutcome): string {
  if (outcome.kind === OUTCOME_KIND.error) {
    return `${outcome.errorClass} error${outcome.detail ? ` (${outcome.detail})` : ''}`;
  }
  const redirect = outcome.status >= 300 && outcome.status < 400 ? ' (redirects are not followed)' : '';
  return `HTTP ${outcome.status}${redirect}`;
}

function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  if (headers === undefined) {
    return undefined;
  }
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  // A repeated Retry-After is malformed; the first occurrence is the least surprising choice.
  return typeof value === 'string' ? value : value?.[0];
}
