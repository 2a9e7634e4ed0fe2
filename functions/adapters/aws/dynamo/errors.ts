import { RowhookError, type RowhookErrorOptions } from '../../../core/errors/RowhookError.ts';
import { awsErrorName, isRetryableAwsError } from '../errors.ts';

/** Anything that went wrong talking to DynamoDB. */
export class DynamoStoreError extends RowhookError {
  readonly code: string = 'store_error';
}

/** Throttled, a 5xx, or the network: the same call later may succeed (the API answers 503). */
export class DynamoUnavailableError extends DynamoStoreError {
  override readonly code = 'store_unavailable';
  constructor(message: string, options: RowhookErrorOptions = {}) {
    super(message, { ...options, retryable: true });
  }
}

/** A pagination cursor that this store did not issue (or that was edited). */
export class InvalidCursorError extends DynamoStoreError {
  override readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not valid: pass the nextCursor value from a previous page unchanged');
  }
}

/** DynamoDB refused a value the client sent (an item over 400 KB, a key over its size limit). */
export class InvalidStoreInputError extends DynamoStoreError {
  override readonly code = 'invalid_input';
}

export class TenantExistsError extends DynamoStoreError {
  override readonly code = 'tenant_exists';
  constructor(readonly tenantId: string) {
    super(`A tenant with id "${tenantId}" already exists; choose another id`);
  }
}

/** Another tenant already holds this API key hash; the new tenant was not kept. */
export class ApiKeyTakenError extends DynamoStoreError {
  override readonly code = 'api_key_taken';
  constructor() {
    super('That API key is already in use by another tenant; generate a new key');
  }
}

export class EndpointExistsError extends DynamoStoreError {
  override readonly code = 'endpoint_exists';
  constructor(readonly endpointId: string) {
    super(`An endpoint with id "${endpointId}" already exists`);
  }
}

/** What a foreign key would refuse in PostgreSQL: an endpoint for a tenant that does not exist. */
export class UnknownTenantError extends DynamoStoreError {
  override readonly code = 'unknown_tenant';
  constructor(readonly tenantId: string) {
    super(`There is no tenant with id "${tenantId}"`);
  }
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

// ValidationException also covers our own malformed requests (a bug, not the client's fault), so
// only the size complaints that a client's data can cause become invalid_input.
const CLIENT_VALUE_PROBLEM = /size has exceeded|exceeded the maximum|too large|invalid UTF-8/i;

/** Converts whatever a DynamoDB call threw, keeping the original as `cause`. */
export function toDynamoStoreError(error: unknown, doing: string): DynamoStoreError {
  if (error instanceof DynamoStoreError) return error;
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const text = `DynamoDB ${name && name !== 'Error' ? `${name} ` : ''}while ${doing}: ${message}`;
  if (isRetryableAwsError(error)) return new DynamoUnavailableError(text, { cause: error });
  if (name === 'ValidationException' && CLIENT_VALUE_PROBLEM.test(message)) {
    return new InvalidStoreInputError(text, { cause: error });
  }
  return new DynamoStoreError(text, { cause: error });
}
