import { RowhookError } from '../../core/errors/RowhookError.ts';

/** Raised by the SQL layer both PostgreSQL adapter families share, before or after any driver call. */
export class SqlAdapterError extends RowhookError {
  readonly code: string = 'store_error';
}

/** A pagination cursor that this store did not issue (or that was edited). */
export class InvalidCursorError extends SqlAdapterError {
  override readonly code = 'invalid_cursor';
}

/** A migration that cannot be applied: a misnamed or duplicate file, a failing statement, an edit. */
export class MigrationError extends SqlAdapterError {
  override readonly code = 'migration_failed';
}
