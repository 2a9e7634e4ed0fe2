import { RowhookError } from '../errors/RowhookError.ts';

/** A schema or event type the catalog cannot accept; the message says what to change. */
export class CatalogError extends RowhookError {
  readonly code: string = 'invalid_schema';
}

/**
 * rowhook.publish or rowhook.register_event_schema refused the input: `invalid_event` (a bad name,
 * a reserved type, data that is not an object) or `schema_mismatch` (data that breaks the type's
 * registered schema). The message is the database's, which says what to change.
 */
export class EventRejectedError extends CatalogError {
  override readonly code: 'invalid_event' | 'schema_mismatch';
  constructor(code: 'invalid_event' | 'schema_mismatch', message: string) {
    super(message);
    this.code = code;
  }
}
