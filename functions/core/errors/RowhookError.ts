export interface RowhookErrorOptions {
  cause?: unknown;
  /** Whether repeating the same operation later may succeed (svix should_retry). */
  retryable?: boolean;
}

/**
 * Root of every error Rowhook raises on purpose. Each area (filter, signing, retry, store, api...)
 * derives one base error from this and its specific errors from that base, so callers can catch by
 * area and map to HTTP statuses or retry decisions without string matching.
 */
export abstract class RowhookError extends Error {
  /** Stable machine-readable code, e.g. `invalid_filter`. Shown to API users. */
  abstract readonly code: string;
  readonly retryable: boolean;

  constructor(message: string, options: RowhookErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}
