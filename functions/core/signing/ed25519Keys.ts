import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { STANDARD_BASE64 } from './base64.ts';
import { ASYMMETRIC_KEY } from './constants.ts';
import { InvalidSecretError } from './errors.ts';

export interface Ed25519KeyPair {
  /** `whsk_...`: stays in the secret store and signs. */
  secretKey: string;
  /** `whpk_...`: given to the receiver, which verifies with it. */
  publicKey: string;
}

const fromBase64Url = (text: string) => Buffer.from(text, 'base64url');
// PKCS#8 wrapping of a bare ed25519 seed (RFC 8410), the one form Node imports a seed from.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A new ed25519 key pair in Standard Webhooks' serialization. */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = fromBase64Url(jwk.d ?? '');
  const publicKey = fromBase64Url(jwk.x ?? '');
  return {
    secretKey: `${ASYMMETRIC_KEY.secretPrefix}${Buffer.concat([seed, publicKey]).toString('base64')}`,
    publicKey: `${ASYMMETRIC_KEY.publicPrefix}${publicKey.toString('base64')}`,
  };
}

/** The signing key of a `whsk_` secret; checks that a 64-byte secret's public half matches its seed. */
export function decodeEd25519SecretKey(secret: string): KeyObject {
  if (typeof secret !== 'string' || !secret.startsWith(ASYMMETRIC_KEY.secretPrefix)) {
    throw new InvalidSecretError(`expected a string starting with "${ASYMMETRIC_KEY.secretPrefix}"`);
  }
  const encoded = secret.slice(ASYMMETRIC_KEY.secretPrefix.length);
  if (encoded.length === 0 || !STANDARD_BASE64.test(encoded)) {
    throw new InvalidSecretError(`expected standard base64 after "${ASYMMETRIC_KEY.secretPrefix}"`);
  }
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length !== ASYMMETRIC_KEY.seedBytes && bytes.length !== ASYMMETRIC_KEY.secretBytes) {
    throw new InvalidSecretError(
      `ed25519 secret key is ${bytes.length} bytes; expected ${ASYMMETRIC_KEY.secretBytes} (seed and public key) or ${ASYMMETRIC_KEY.seedBytes} (seed)`,
    );
  }
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes.subarray(0, ASYMMETRIC_KEY.seedBytes)]),
    format: 'der',
    type: 'pkcs8',
  });
  if (bytes.length === ASYMMETRIC_KEY.secretBytes) {
    const stated = bytes.subarray(ASYMMETRIC_KEY.seedBytes);
    if (!stated.equals(publicKeyBytes(key))) {
      throw new InvalidSecretError('the public half of the ed25519 secret key does not belong to its seed');
    }
  }
  return key;
}

/** The `whpk_` public key that verifies what a `whsk_` secret signs. */
export function ed25519PublicKeyOf(secret: string): string {
  return `${ASYMMETRIC_KEY.publicPrefix}${publicKeyBytes(decodeEd25519SecretKey(secret)).toString('base64')}`;
}

function publicKeyBytes(key: KeyObject): Buffer {
  return fromBase64Url(createPublicKey(key).export({ format: 'jwk' }).x ?? '');
}
