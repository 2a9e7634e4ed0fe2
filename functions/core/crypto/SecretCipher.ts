import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SECRET_ENCRYPTION } from './constants.ts';
import { InvalidEncryptionKeyError, SecretDecryptionError } from './errors.ts';

const HEADER_BYTES = 1 + SECRET_ENCRYPTION.nonceBytes;

/**
 * AES-256-GCM with a random nonce per value. Sealed layout: version byte, nonce, ciphertext, tag.
 * The associated data binds a value to its owner (the endpoint id): a ciphertext copied onto another
 * endpoint's row does not open there, although it is a perfectly valid ciphertext under the key.
 */
export class SecretCipher {
  /**
   * A fingerprint of the key, stored with each value so that start-up can tell "sealed under
   * another key" from "tampered" without trying to decrypt. An HMAC under the key itself, so it
   * reveals nothing that helps recover the key.
   */
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== SECRET_ENCRYPTION.keyBytes) {
      throw new InvalidEncryptionKeyError(`the encryption key must be ${SECRET_ENCRYPTION.keyBytes} bytes`);
    }
    this.#key = Buffer.from(key);
    this.keyId = createHmac('sha256', this.#key)
      .update('rowhook secret key id')
      .digest()
      .subarray(0, SECRET_ENCRYPTION.keyIdBytes)
      .toString('hex');
  }

  seal(plaintext: string, associatedData: string): Buffer {
    const nonce = randomBytes(SECRET_ENCRYPTION.nonceBytes);
    const cipher = createCipheriv(SECRET_ENCRYPTION.cipher, this.#key, nonce, {
      authTagLength: SECRET_ENCRYPTION.tagBytes,
    });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(SECRET_ENCRYPTION.formatVersion), nonce, body, cipher.getAuthTag()]);
  }

  /** Throws SecretDecryptionError (whose message never holds key or plaintext) unless authentic. */
  open(sealed: Buffer, associatedData: string): string {
    if (sealed.length < HEADER_BYTES + SECRET_ENCRYPTION.tagBytes) {
      throw new SecretDecryptionError('the sealed secret is truncated');
    }
    if (sealed[0] !== SECRET_ENCRYPTION.formatVersion) {
      throw new SecretDecryptionError(`the sealed secret has unknown format version ${sealed[0]}`);
    }
    const nonce = sealed.subarray(1, HEADER_BYTES);
    const tag = sealed.subarray(sealed.length - SECRET_ENCRYPTION.tagBytes);
    const body = sealed.subarray(HEADER_BYTES, sealed.length - SECRET_ENCRYPTION.tagBytes);
    try {
      const decipher = createDecipheriv(SECRET_ENCRYPTION.cipher, this.#key, nonce, {
        authTagLength: SECRET_ENCRYPTION.tagBytes,
      });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretDecryptionError(
        'the sealed secret did not authenticate: it was altered, belongs to another endpoint, or was sealed under another key',
        { cause: error },
      );
    }
  }
}
