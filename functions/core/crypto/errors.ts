import { RowhookError } from '../errors/RowhookError.ts';

/** Base of every failure sealing or opening secrets, so callers can catch the whole area at once. */
export abstract class SecretEncryptionError extends RowhookError {}

/** The configured key is not usable; the message names where it came from, never its value. */
export class InvalidEncryptionKeyError extends SecretEncryptionError {
  readonly code = 'invalid_encryption_key';
}

/**
 * A sealed value did not open: it was altered, belongs to another owner (associated data) or was
 * sealed under another key. GCM cannot tell these apart, and that is the point.
 */
export class SecretDecryptionError extends SecretEncryptionError {
  readonly code = 'secret_decryption_failed';
}

/** Stored secrets were sealed under a key the runtime was not given. */
export class EncryptionKeyMismatchError extends SecretEncryptionError {
  readonly code = 'encryption_key_mismatch';
}
