import { RowhookError } from '../errors/RowhookError.ts';

/** A receiver option (custom header, auth, client certificate, timeout, schedule) that cannot be used. */
export class InvalidReceiverOptionError extends RowhookError {
  readonly code: string = 'invalid_receiver_option';
}
