import { SIGNATURE_SCHEMES, type SignatureScheme } from './constants.ts';
import { generateEd25519KeyPair } from './ed25519Keys.ts';
import { generateSecret } from './generateSecret.ts';

/** What the secret store keeps for a new key of the scheme: a whsec_ secret or a whsk_ secret key. */
export function generateSigningSecret(scheme: SignatureScheme): string {
  return scheme === SIGNATURE_SCHEMES.v1a ? generateEd25519KeyPair().secretKey : generateSecret();
}
