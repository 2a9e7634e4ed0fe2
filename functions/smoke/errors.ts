import { RowhookError, type RowhookErrorOptions } from '../core/errors/RowhookError.ts';

/** The smoke check could not run (setup, API or AWS call failed), as opposed to a path failing. */
export class SmokeError extends RowhookError {
  readonly code: string;

  constructor(code: string, message: string, options: RowhookErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/** SmokeError code of a 401/403 from the API: with a kept tenant, its key no longer opens it. */
export const API_UNAUTHORIZED = 'api_unauthorized';

export const isUnauthorized = (error: unknown) =>
  error instanceof SmokeError && error.code === API_UNAUTHORIZED;
