import { randomBytes } from 'node:crypto';
import { SECRET_ENCRYPTION } from './constants.ts';

/** A new random key in the base64 form `parseEncryptionKey` reads. */
export function generateEncryptionKey(): string {
  return randomBytes(SECRET_ENCRYPTION.keyBytes).toString('base64');
}
