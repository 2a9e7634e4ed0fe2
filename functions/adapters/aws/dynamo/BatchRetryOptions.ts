/**
 * How long batch calls keep retrying the part DynamoDB left unprocessed (UnprocessedKeys /
 * UnprocessedItems, returned instead of an error when some partitions are throttled).
 */
export interface BatchRetryOptions {
  /** Retries after the first call before giving up with a retryable error. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetryOptions = { maxRetries: 8, baseDelayMs: 25, maxDelayMs: 2_000 };

/** Exponential backoff with full jitter, as AWS recommends for batch leftovers. */
export function backoffDelay(retry: number, options: BatchRetryOptions): number {
  return Math.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
