import { RowhookError, type RowhookErrorOptions } from '../errors/RowhookError.ts';

/** Base of every filter failure, so callers can catch the whole area at once. */
export abstract class FilterError extends RowhookError {}

export class InvalidFilterError extends FilterError {
  readonly code = 'invalid_filter';
  /**
   * Where in the filter the problem is, e.g. `filter.data.total`. Kept apart from the message so an API
   * can point a form field or JSON editor at it without parsing text.
   */
  readonly path: string;

  constructor(path: string, problem: string, options?: RowhookErrorOptions) {
    super(`${path}: ${problem}`, options);
    this.path = path;
  }
}
