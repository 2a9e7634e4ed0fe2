import { describe, expect, it } from 'vitest';
import { SECRET_ENCRYPTION } from '../../../functions/core/crypto/constants.ts';
import { InvalidEncryptionKeyError, SecretDecryptionError } from '../../../functions/core/crypto/errors.ts';
import { generateEncryptionKey } from '../../../functions/core/crypto/generateEncryptionKey.ts';
import { parseEncryptionKey } from '../../../functions/core/crypto/parseEncryptionKey.ts';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';

const key = (fill: number) => Buffer.alloc(32, fill);
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('SecretCipher', () => {
  it('opens what it sealed, for the same endpoint', () => {
    const cipher = new SecretCipher(key(1));
    const sealed = cipher.seal(SECRET, 'ep_a');
    expect(cipher.open(sealed, 'ep_a')).toBe(SECRET);
    expect(new SecretCipher(key(1)).open(sealed, 'ep_a')).toBe(SECRET);
  });

  it('never stores the secret or its base64 in the sealed bytes, and uses a fresh nonce each time', () => {
    const cipher = new SecretCipher(key(1));
    const a = cipher.seal(SECRET, 'ep_a');
    const b = cipher.seal(SECRET, 'ep_a');
    expect(a.equals(b)).toBe(false);
    const raw = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    for (const sealed of [a, b]) {
      expect(sealed.includes(raw)).toBe(false);
      expect(sealed.toString('latin1')).not.toContain(SECRET.slice('whsec_'.length));
      expect(sealed.length).toBe(
        1 + SECRET_ENCRYPTION.nonceBytes + SECRET.length + SECRET_ENCRYPTION.tagBytes,
      );
    }
  });

  it('refuses a ciphertext moved to another endpoint', () => {
    const cipher = new SecretCipher(key(1));
    const sealed = cipher.seal(SECRET, 'ep_a');
    expect(() => cipher.open(sealed, 'ep_b')).toThrow(SecretDecryptionError);
  });

  it('refuses a tampered ciphertext, nonce, tag or version, and a truncated value', () => {
    const cipher = new SecretCipher(key(1));
    const sealed = cipher.seal(SECRET, 'ep_a');
    for (const index of [0, 1, 13, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(() => cipher.open(tampered, 'ep_a'), `byte ${index}`).toThrow(SecretDecryptionError);
    }
    expect(() => cipher.open(sealed.subarray(0, 20), 'ep_a')).toThrow(SecretDecryptionError);
  });

  it('refuses a value sealed under another key, without echoing key or secret', () => {
    const sealed = new SecretCipher(key(1)).seal(SECRET, 'ep_a');
    const other = new SecretCipher(key(2));
    let caught: unknown;
    try {
      other.open(sealed, 'ep_a');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SecretDecryptionError);
    const message = (caught as Error).message;
    expect(message).toMatch(/altered, belongs to another endpoint, or was sealed under another key/);
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(key(2).toString('base64'));
  });

  it('fingerprints keys: equal for the same key, different for another, not the key itself', () => {
    const one = new SecretCipher(key(1));
    expect(new SecretCipher(key(1)).keyId).toBe(one.keyId);
    expect(new SecretCipher(key(2)).keyId).not.toBe(one.keyId);
    expect(one.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(key(1).toString('hex')).not.toContain(one.keyId);
  });

  it('accepts only 32-byte keys', () => {
    expect(() => new SecretCipher(Buffer.alloc(16))).toThrow(InvalidEncryptionKeyError);
  });
});

describe('parseEncryptionKey', () => {
  it('reads a generated key and tolerates a trailing newline', () => {
    const text = generateEncryptionKey();
    expect(parseEncryptionKey(`${text}\n`, 'X')).toEqual(Buffer.from(text, 'base64'));
  });

  it.each([
    ['', /base64 of 32 random bytes/],
    ['not base64!', /base64 of 32 random bytes/],
    [Buffer.alloc(16).toString('base64'), /decodes to 16 bytes; it must be 32/],
    [Buffer.alloc(32).toString('base64url').replace(/=+$/, ''), /base64 of 32 random bytes/],
  ])('refuses %j with a message naming the source, not the value', (text, expected) => {
    expect(() => parseEncryptionKey(text, 'ROWHOOK_SECRET_KEY')).toThrow(expected);
    try {
      parseEncryptionKey(text, 'ROWHOOK_SECRET_KEY');
    } catch (error) {
      expect((error as Error).message).toMatch(/^ROWHOOK_SECRET_KEY /);
      if (text) expect((error as Error).message).not.toContain(text);
    }
  });
});
