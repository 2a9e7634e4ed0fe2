import { RowhookError } from '../core/errors/RowhookError.ts';

/** An error with a definite HTTP answer. Body: {"error": {"code", "message"}}. */
export class ApiError extends RowhookError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 501,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError(404, 'not_found', `${what} "${id}" not found`);
