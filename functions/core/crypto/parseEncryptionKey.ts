import { SECRET_ENCRYPTION } from './constants.ts';
import { InvalidEncryptionKeyError } from './errors.ts';

// Buffer.from(..., 'base64') skips characters it does not know, so a typo would silently give
// another key: only well-formed standard base64 is accepted.
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a base64 AES-256 key. `source` names where the text came from (a variable or a file)
 * for the error message, which never includes the text itself.
 */
export function parseEncryptionKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!STANDARD_BASE64.test(trimmed) || trimmed.length === 0) {
    throw new InvalidEncryptionKeyError(
      `${source} must hold the base64 of ${SECRET_ENCRYPTION.keyBytes} random bytes (e.g. the output of \`openssl rand -base64 32\`)`,
    );
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== SECRET_ENCRYPTION.keyBytes) {
    throw new InvalidEncryptionKeyError(
      `${source} decodes to ${key.length} bytes; it must be ${SECRET_ENCRYPTION.keyBytes} (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return key;
}
