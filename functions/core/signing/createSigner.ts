import { createHmac, createSecretKey, type KeyObject, sign } from 'node:crypto';
import { ASYMMETRIC_KEY, SIGNATURE_VERSION } from './constants.ts';
import { decodeSecret } from './decodeSecret.ts';
import { decodeEd25519SecretKey } from './ed25519Keys.ts';
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

type KeySigner = (signedContent: Buffer) => string;

// The secret's prefix decides the scheme (as the spec intends), so a rotation between schemes
// signs with both while the old key overlaps, and callers never need to know the scheme.
function keySigner(secret: string): KeySigner {
  if (typeof secret === 'string' && secret.startsWith(ASYMMETRIC_KEY.secretPrefix)) {
    const key = decodeEd25519SecretKey(secret);
    return (content) => `${SIGNATURE_VERSION.ed25519},${sign(null, content, key).toString('base64')}`;
  }
  const key: KeyObject = createSecretKey(decodeSecret(secret));
  return (content) =>
    `${SIGNATURE_VERSION.hmacSha256},${createHmac('sha256', key).update(content).digest('base64')}`;
}

/**
 * Decodes and validates the secrets once so that the per-attempt path is only signing work.
 * Several secrets produce several space-separated signatures, which lets receivers keep verifying
 * with the old secret while a rotation overlaps. `whsec_` secrets sign v1 (HMAC-SHA256), `whsk_`
 * secret keys v1a (ed25519).
 */
export function createSigner(secrets: readonly string[]): Signer {
  if (secrets.length === 0) {
    throw new NoSigningSecretsError();
  }
  // A secret listed twice would only add a redundant signature to every request.
  const signers = [...new Set(secrets)].map(keySigner);

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
    const signedContent = Buffer.from(`${id}.${timestamp}.${body}`, 'utf8');
    return signers.map((signer) => signer(signedContent)).join(' ');
  };
}
