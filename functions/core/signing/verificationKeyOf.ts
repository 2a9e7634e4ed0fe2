import { ASYMMETRIC_KEY, SIGNATURE_SCHEMES, type SignatureScheme } from './constants.ts';
import { ed25519PublicKeyOf } from './ed25519Keys.ts';

export type VerificationKey = { scheme: 'v1'; secret: string } | { scheme: 'v1a'; publicKey: string };

/** The scheme a stored signing secret signs with, read from its prefix. */
export const schemeOfSecret = (storedSecret: string): SignatureScheme =>
  storedSecret.startsWith(ASYMMETRIC_KEY.secretPrefix) ? SIGNATURE_SCHEMES.v1a : SIGNATURE_SCHEMES.v1;

/**
 * What a receiver verifies a stored signing secret's signatures with: the whsec_ secret itself
 * (v1, shared), or the whpk_ public key of a whsk_ secret key (v1a; the secret key is never shown).
 */
export function verificationKeyOf(storedSecret: string): VerificationKey {
  return schemeOfSecret(storedSecret) === SIGNATURE_SCHEMES.v1a
    ? { scheme: SIGNATURE_SCHEMES.v1a, publicKey: ed25519PublicKeyOf(storedSecret) }
    : { scheme: SIGNATURE_SCHEMES.v1, secret: storedSecret };
}

/** The part of {@link verificationKeyOf} an API answer carries: `{ secret }` or `{ publicKey }`. */
export function shownKeyOf(storedSecret: string): { secret: string } | { publicKey: string } {
  const key = verificationKeyOf(storedSecret);
  return key.scheme === SIGNATURE_SCHEMES.v1a ? { publicKey: key.publicKey } : { secret: key.secret };
}
