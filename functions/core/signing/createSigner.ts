import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { SIGNATURE_VERSION } from './constants.ts';
import { decodeSecret } from './decodeSecret.ts';
import { InvalidSigningInputError, NoSigningSecretsError } from './errors.ts';

export interface SignInput {
  /** The `webhook-id`: identical across retries of one message so receivers can deduplicate. */
  id: string;
  /** Unix seconds of this attempt; receivers reject timestamps outside their tolerance window. */
  timestamp: number;
  /** The exact body bytes sent; any re-serialisation after signing breaks verification. */
  body: string;
}

/** Returns the `webhook-signature` header value. */
export type Signer = (input: SignInput) => string;

/**
 * Decodes and validates the secrets once so that the per-attempt path is only HMAC work.
 * Several secrets produce several space-separated signatures, which lets receivers keep verifying
 * with the old secret while a rotation overlaps.
 */
export function createSigner(secrets: readonly string[]): Signer {
  if (secrets.length === 0) {
    throw new NoSigningSecretsError();
  }
  // A secret listed twice would only add a redundant signature to every request.
  const keys: KeyObject[] = [...new Set(secrets)].map((secret) => createSecretKey(decodeSecret(secret)));

  return ({ id, timestamp, body }) => {
    if (id.length === 0) {
      throw new InvalidSigningInputError('webhook id must not be empty');
    }
    // Receivers parse the header as an integer, so a fractional or negative value could never verify.
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new InvalidSigningInputError(
        `timestamp must be non-negative integer unix seconds, got ${timestamp}`,
      );
    }
    const signedContent = `${id}.${timestamp}.${body}`;
    let header = '';
    for (const key of keys) {
      const digest = createHmac('sha256', key).update(signedContent, 'utf8').digest('base64');
      header += `${header === '' ? '' : ' '}${SIGNATURE_VERSION.hmacSha256},${digest}`;
    }
    return header;
  };
}
