import { describe, expect, it } from 'vitest';
import { decodeSecret } from '../../../functions/core/signing/decodeSecret.ts';
import { InvalidSecretError } from '../../../functions/core/signing/errors.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';

const base64OfBytes = (n: number): string => Buffer.alloc(n, 7).toString('base64');

describe('generateSecret', () => {
  it('returns whsec_ followed by base64 of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeSecret(secret)).toHaveLength(32);
  });

  it('does not repeat', () => {
    expect(generateSecret()).not.toBe(generateSecret());
  });
});

describe('decodeSecret', () => {
  it('decodes the reference secret to its 24 bytes', () => {
    const key = decodeSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(key.toString('base64')).toBe('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(key).toHaveLength(24);
  });

  it.each([24, 32, 64])('accepts a %i-byte key', (bytes) => {
    expect(decodeSecret(`whsec_${base64OfBytes(bytes)}`)).toHaveLength(bytes);
  });

  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['wrong prefix case', 'WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['empty string', ''],
    ['prefix only', 'whsec_'],
    ['23-byte key', `whsec_${base64OfBytes(23)}`],
    ['65-byte key', `whsec_${base64OfBytes(65)}`],
    ['URL-safe alphabet', `whsec_${Buffer.alloc(24, 0xfb).toString('base64url')}`],
    ['missing padding', `whsec_${base64OfBytes(32).replace(/=+$/, '')}`],
    ['embedded whitespace', 'whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw'],
    ['invalid character', 'whsec_MfKQ9r8GKYqr*wjUPD8ILPZIo2LaLaSw'],
    ['not a string', 42 as unknown as string],
  ])('rejects %s', (_name, secret) => {
    expect(() => decodeSecret(secret)).toThrow(InvalidSecretError);
    expect(() => decodeSecret(secret)).toThrow(expect.objectContaining({ code: 'invalid_secret' }));
  });

  it('never echoes the secret in the error message', () => {
    const secret = `whsec_${base64OfBytes(10)}`;
    expect(() => decodeSecret(secret)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret.slice(6)) }),
    );
  });
});
