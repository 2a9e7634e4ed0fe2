export const DURATION_UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;

export type DurationUnit = keyof typeof DURATION_UNIT_MS;

export const RETRY_SCHEDULE = {
  /** Waits before attempts 2..8; attempt 1 is immediate, so 8 attempts over roughly 28 hours. */
  defaultText: '5s,5m,30m,2h,5h,10h,10h',
  maxEntries: 50,
  /** Longer waits would outlive any sensible message retention and hide a dead endpoint for weeks. */
  maxWaitMs: 7 * DURATION_UNIT_MS.d,
  /** ±20% spreads out retries of a burst that failed together so they do not hit the receiver in lockstep. */
  jitterRatio: 0.2,
} as const;

export const RETRY_POLICY = {
  /**
   * Floor for retries after 429, 408 and our own timeouts: the receiver is overloaded or slow, and the
   * early 5 s step of the schedule would just add load while it recovers.
   */
  minThrottledDelayMs: 30 * DURATION_UNIT_MS.s,
  /** Cap on an honoured Retry-After, so a hostile or buggy header cannot park a delivery indefinitely. */
  maxRetryAfterMs: 24 * DURATION_UNIT_MS.h,
} as const;

/** How a delivery attempt failed when no HTTP response was received. */
export const ERROR_CLASS = {
  timeout: 'timeout',
  connect: 'connect',
  dns: 'dns',
  reset: 'reset',
  tls: 'tls',
  /** The SSRF guard refused the resolved address; retrying cannot change that. */
  blocked: 'blocked',
  /** The endpoint's OAuth2 token endpoint failed (answered non-2xx, unreachable, no token): no request was sent to the receiver. */
  oauth2Token: 'oauth2_token',
  other: 'other',
} as const;

export type ErrorClass = (typeof ERROR_CLASS)[keyof typeof ERROR_CLASS];

export const OUTCOME_KIND = {
  response: 'response',
  error: 'error',
} as const;

export const DECISION_KIND = {
  delivered: 'delivered',
  retry: 'retry',
  dead: 'dead',
} as const;

export const HTTP_STATUS = {
  requestTimeout: 408,
  gone: 410,
  tooManyRequests: 429,
} as const;
