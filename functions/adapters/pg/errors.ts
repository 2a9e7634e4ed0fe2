import { TRANSIENT_NETWORK_CODES } from '../../core/errors/constants.ts';
import { RowhookError, type RowhookErrorOptions } from '../../core/errors/RowhookError.ts';

/** Anything that went wrong talking to PostgreSQL. */
export class StoreError extends RowhookError {
  readonly code: string = 'store_error';
}

export class StoreUnavailableError extends StoreError {
  override readonly code = 'store_unavailable';
  constructor(message: string, options: RowhookErrorOptions = {}) {
    super(message, { ...options, retryable: true });
  }
}

// SQLSTATE classes that mean "try again later": connection exceptions, operator intervention
// (shutdown, crash recovery), insufficient resources, and serialization/deadlock failures.
const RETRYABLE_SQLSTATE_PREFIXES = ['08', '57', '53', '40'] as const;

/** Converts a node-postgres error into a StoreError, keeping the original as `cause`. */
export function toStoreError(error: unknown, doing: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const retryable =
    (typeof code === 'string' &&
      (TRANSIENT_NETWORK_CODES.has(code) || RETRYABLE_SQLSTATE_PREFIXES.some((p) => code.startsWith(p)))) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
  // Class 22 is "data exception": the input itself (a NUL byte, an out-of-range number) is bad.
  if (typeof code === 'string' && code.startsWith('22')) {
    return new InvalidStoreInputError(`PostgreSQL rejected a value: ${message}`, { cause: error });
  }
  if (retryable)
    return new StoreUnavailableError(`PostgreSQL unavailable while ${doing}: ${message}`, { cause: error });
  return new StoreError(`PostgreSQL error while ${doing}: ${message}`, { cause: error });
}

export class TenantExistsError extends StoreError {
  override readonly code = 'tenant_exists';
  constructor(readonly tenantId: string) {
    super(`A tenant with id "${tenantId}" already exists; choose another id`);
  }
}

/** PostgreSQL refused a value as malformed (SQLSTATE class 22); a client mistake, not a fault. */
export class InvalidStoreInputError extends StoreError {
  override readonly code = 'invalid_input';
}
