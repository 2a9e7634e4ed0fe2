import { TRANSIENT_NETWORK_CODES } from '../../core/errors/constants.ts';
import { RowhookError, type RowhookErrorOptions } from '../../core/errors/RowhookError.ts';

/** Anything that went wrong talking to an AWS service. */
export class AwsAdapterError extends RowhookError {
  readonly code: string = 'aws_error';
}

/** A message on one of our queues that is not a delivery we wrote (or that was edited). */
export class MalformedDeliveryMessageError extends AwsAdapterError {
  override readonly code = 'malformed_delivery_message';
  constructor(reason: string, options: RowhookErrorOptions = {}) {
    super(`malformed delivery message: ${reason}`, { ...options, retryable: false });
  }
}

// Error names the SDK uses for "slow down" across services; they are retryable whatever the status.
const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'EC2ThrottledException',
]);
// Data API: the Aurora Serverless cluster is resuming or the statement ran out of time; a later call
// usually succeeds.
const TRANSIENT_NAMES = new Set([
  'DatabaseResumingException',
  'ServiceUnavailableError',
  'ServiceUnavailableException',
  'InternalServerErrorException',
  'InternalFailure',
  'InternalError',
  'StatementTimeoutException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

interface VendorErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: { throttling?: boolean } | undefined;
  $metadata?: { httpStatusCode?: number } | undefined;
  $fault?: unknown;
}

/** Whether repeating the call later may succeed: throttling, 5xx, network trouble, or the SDK says so. */
export function isRetryableAwsError(error: unknown): boolean {
  if (error instanceof RowhookError) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  const vendor = error as VendorErrorShape;
  if (vendor.$retryable) return true;
  const name = typeof vendor.name === 'string' ? vendor.name : '';
  if (THROTTLING_NAMES.has(name) || TRANSIENT_NAMES.has(name)) return true;
  const status = vendor.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (vendor.$fault === 'server') return true;
  return typeof vendor.code === 'string' && TRANSIENT_NETWORK_CODES.has(vendor.code);
}

/**
 * Wraps whatever an SDK call threw, at the place the call is made, so callers see one error type
 * saying what we were doing and whether trying again later makes sense; the original stays as `cause`.
 */
export function toAwsError(error: unknown, doing: string): AwsAdapterError {
  if (error instanceof AwsAdapterError) return error;
  const vendor = (typeof error === 'object' && error !== null ? error : {}) as VendorErrorShape;
  const name = typeof vendor.name === 'string' && vendor.name !== 'Error' ? `${vendor.name}: ` : '';
  const message = typeof vendor.message === 'string' ? vendor.message : String(error);
  return new AwsAdapterError(`AWS call failed while ${doing}: ${name}${message}`, {
    cause: error,
    retryable: isRetryableAwsError(error),
  });
}

/** The vendor error's name (e.g. `ResourceNotFoundException`), for the few errors we handle by kind. */
export function awsErrorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}
