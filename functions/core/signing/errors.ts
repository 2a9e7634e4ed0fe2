import { RowhookError, type RowhookErrorOptions } from '../errors/RowhookError.ts';

/** Base of every signing failure, so callers can catch the whole area at once. */
export abstract class SigningError extends RowhookError {}

export class InvalidSecretError extends SigningError {
  readonly code = 'invalid_secret';

  // The secret itself is deliberately never put in the message: messages end up in logs and API responses.
  constructor(reason: string, options?: RowhookErrorOptions) {
    super(`invalid signing secret: ${reason}`, options);
  }
}

export class NoSigningSecretsError extends SigningError {
  readonly code = 'no_signing_secrets';

  constructor(options?: RowhookErrorOptions) {
    super('at least one signing secret is required', options);
  }
}

export class InvalidSigningInputError extends SigningError {
  readonly code = 'invalid_signing_input';
}
