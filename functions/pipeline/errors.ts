import { RowhookError } from '../core/errors/RowhookError.ts';

/**
 * The numbering store answered without a number for a delivery it was given: nothing is published
 * (an unnumbered delivery would leave a hole the receiver cannot explain); the batch is retried.
 */
export class MissingSequenceError extends RowhookError {
  readonly code = 'missing_sequence';

  constructor(eventId: string, endpointId: string) {
    super(`no sequence number came back for event ${eventId}, endpoint ${endpointId}`, { retryable: true });
  }
}
