import { RowhookError, type RowhookErrorOptions } from '../core/errors/RowhookError.ts';

/** The smoke check could not run (setup, API or AWS call failed), as opposed to a path failing. */
export class SmokeError extends RowhookError {
  readonly code: string;

  constructor(code: string, message: string, options: RowhookErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}
