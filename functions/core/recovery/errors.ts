import { RowhookError } from '../errors/RowhookError.ts';

/** Anything wrong with a resend or recover request itself: the caller must change it. */
export class RecoveryInputError extends RowhookError {
  readonly code = 'invalid_input';
}
