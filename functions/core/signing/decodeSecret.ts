import { STANDARD_BASE64 } from './base64.ts';
import { SIGNING_SECRET } from './constants.ts';
import { InvalidSecretError } from './errors.ts';

export function decodeSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SIGNING_SECRET.prefix)) {
    throw new InvalidSecretError(`expected a string starting with "${SIGNING_SECRET.prefix}"`);
  }
  const encoded = secret.slice(SIGNING_SECRET.prefix.length);
  if (encoded.length === 0 || !STANDARD_BASE64.test(encoded)) {
    throw new InvalidSecretError(`expected standard base64 after "${SIGNING_SECRET.prefix}"`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < SIGNING_SECRET.minBytes || key.length > SIGNING_SECRET.maxBytes) {
    throw new InvalidSecretError(
      `key is ${key.length} bytes; expected ${SIGNING_SECRET.minBytes} to ${SIGNING_SECRET.maxBytes}`,
    );
  }
  return key;
}
