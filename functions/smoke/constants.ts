/** The two delivery paths the canary proves: pooled (SQS → deliver) and dedicated (API destination). */
export const CANARY_PATHS = {
  pooled: 'pooled',
  dedicated: 'dedicated',
} as const;
export type CanaryPath = (typeof CANARY_PATHS)[keyof typeof CANARY_PATHS];

/** Endpoint `transport` per path: the pooled one is forced pooled, the dedicated one an API destination. */
export const TRANSPORT_OF_PATH = {
  pooled: 'pooled',
  dedicated: 'api-destination',
} as const satisfies Record<CanaryPath, string>;

/** The tracked table the canary writes to, and the event prefix its rows are published under. */
export const CANARY_TABLE = {
  schema: 'rowhook_canary',
  table: 'pings',
  eventPrefix: 'canary',
} as const;

export const SMOKE_DEFAULTS = {
  /** How long to wait for sync to turn the dedicated endpoint into an API destination. */
  dedicatedReadyTimeoutMs: 120_000,
  /** How long to wait for both deliveries after the row is committed. */
  deliveryTimeoutMs: 90_000,
  pollIntervalMs: 2_000,
  /** Canary records expire on their own even if a run dies before its cleanup. */
  recordTtlSeconds: 3_600,
} as const;

/** Exit codes of `npm run smoke`. */
export const SMOKE_EXIT = {
  verified: 0,
  failed: 1,
  /** Bad arguments, missing stack outputs or credentials: the check did not run. */
  unusable: 2,
} as const;
