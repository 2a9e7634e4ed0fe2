import { RowhookError, type RowhookErrorOptions } from '../errors/RowhookError.ts';

/** Base of every retry-area failure, so callers can catch the whole area at once. */
export abstract class RetryError extends RowhookError {}

export class InvalidRetryScheduleError extends RetryError {
  readonly code = 'invalid_retry_schedule';
  /** The offending entry as written, when the problem is one entry rather than the list as a whole. */
  readonly entry: string | undefined;

  constructor(message: string, entry?: string, options?: RowhookErrorOptions) {
    super(message, options);
    this.entry = entry;
  }
}

/** A caller passed an impossible attempt number or outcome; this is a bug, not a delivery failure. */
export class InvalidRetryInputError extends RetryError {
  readonly code = 'invalid_retry_input';
}
