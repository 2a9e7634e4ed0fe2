import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSigner } from '../../../functions/core/signing/createSigner.ts';
import {
  decodeEd25519SecretKey,
  ed25519PublicKeyOf,
  generateEd25519KeyPair,
} from '../../../functions/core/signing/ed25519Keys.ts';
import { InvalidSecretError } from '../../../functions/core/signing/errors.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { generateSigningSecret } from '../../../functions/core/signing/generateSigningSecret.ts';
import { verificationKeyOf } from '../../../functions/core/signing/verificationKeyOf.ts';

// RFC 8032 section 7.1, TEST 1.
const RFC_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');

/** A receiver's check, written from the spec alone: ed25519 over `${id}.${timestamp}.${body}`. */
function verifiesV1a(publicKey: string, id: string, timestamp: number, body: string, header: string) {
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  // SPKI wrapping of a raw ed25519 public key (RFC 8410).
  const key = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
    format: 'der',
    type: 'spki',
  });
  const content = Buffer.from(`${id}.${timestamp}.${body}`, 'utf8');
  return header
    .split(' ')
    .filter((entry) => entry.startsWith('v1a,'))
    .some((entry) => verify(null, content, key, Buffer.from(entry.slice('v1a,'.length), 'base64')));
}

describe('ed25519 (v1a) keys', () => {
  it('serializes a pair as whsk_ (64-byte seed + public key) and whpk_ (32-byte public key)', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair();
    expect(secretKey).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const secretBytes = Buffer.from(secretKey.slice(5), 'base64');
    expect(secretBytes.subarray(32).equals(Buffer.from(publicKey.slice(5), 'base64'))).toBe(true);
    expect(ed25519PublicKeyOf(secretKey)).toBe(publicKey);
    expect(generateEd25519KeyPair().secretKey).not.toBe(secretKey);
  });

  it('derives the RFC 8032 public key from its seed, given as 32 or 64 bytes', () => {
    const whpk = `whpk_${RFC_PUBLIC.toString('base64')}`;
    expect(ed25519PublicKeyOf(`whsk_${RFC_SEED.toString('base64')}`)).toBe(whpk);
    expect(ed25519PublicKeyOf(`whsk_${Buffer.concat([RFC_SEED, RFC_PUBLIC]).toString('base64')}`)).toBe(whpk);
  });

  it.each([
    [`whsec_${Buffer.alloc(32).toString('base64')}`, /starting with "whsk_"/],
    ['whsk_', /standard base64/],
    ['whsk_not*base64', /standard base64/],
    [`whsk_${Buffer.alloc(48).toString('base64')}`, /48 bytes; expected 64/],
    [`whsk_${Buffer.concat([RFC_SEED, Buffer.alloc(32)]).toString('base64')}`, /does not belong to its seed/],
  ])('refuses the secret key %s', (secret, message) => {
    expect(() => decodeEd25519SecretKey(secret)).toThrow(InvalidSecretError);
    expect(() => decodeEd25519SecretKey(secret)).toThrow(message);
  });
});

describe('createSigner with v1a keys', () => {
  const id = 'evt_01937a4c9b2e7c3d8f1a2b3c4d5e6f70';
  const timestamp = 1_764_325_200;
  const body = '{"type":"orders.created","data":{"id":1,"note":"naïve ✓"}}';

  it('signs id.timestamp.body with ed25519 as "v1a,<base64 of 64 bytes>"', () => {
    const { secretKey, publicKey } = generateEd25519KeyPair();
    const header = createSigner([secretKey])({ id, timestamp, body });
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesV1a(publicKey, id, timestamp, body, header)).toBe(true);
    // Each signed part matters, and another key's public key does not verify.
    expect(verifiesV1a(publicKey, id, timestamp, `${body} `, header)).toBe(false);
    expect(verifiesV1a(publicKey, id, timestamp + 1, body, header)).toBe(false);
    expect(verifiesV1a(publicKey, 'evt_other', timestamp, body, header)).toBe(false);
    expect(verifiesV1a(generateEd25519KeyPair().publicKey, id, timestamp, body, header)).toBe(false);
  });

  it('signs the same with a 32-byte seed as with the 64-byte form (ed25519 is deterministic)', () => {
    const seedOnly = `whsk_${RFC_SEED.toString('base64')}`;
    const full = `whsk_${Buffer.concat([RFC_SEED, RFC_PUBLIC]).toString('base64')}`;
    expect(createSigner([seedOnly])({ id, timestamp, body })).toBe(
      createSigner([full])({ id, timestamp, body }),
    );
    const publicKey = `whpk_${RFC_PUBLIC.toString('base64')}`;
    expect(
      verifiesV1a(publicKey, id, timestamp, body, createSigner([seedOnly])({ id, timestamp, body })),
    ).toBe(true);
  });

  it('signs with every key during a rotation, v1 and v1a side by side, newest first', () => {
    const oldKey = generateEd25519KeyPair();
    const newKey = generateEd25519KeyPair();
    const hmac = generateSecret();
    const header = createSigner([newKey.secretKey, hmac, oldKey.secretKey])({ id, timestamp, body });
    const entries = header.split(' ');
    expect(entries.map((e) => e.split(',')[0])).toEqual(['v1a', 'v1', 'v1a']);
    expect(verifiesV1a(newKey.publicKey, id, timestamp, body, header)).toBe(true);
    expect(verifiesV1a(oldKey.publicKey, id, timestamp, body, header)).toBe(true);
    // The standardwebhooks library skips v1a entries and verifies the v1 one (it checks the
    // timestamp against the clock, so this header is signed now).
    const now = Math.floor(Date.now() / 1000);
    const fresh = createSigner([newKey.secretKey, hmac])({ id, timestamp: now, body });
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(now), 'webhook-signature': fresh };
    expect(new Webhook(hmac).verify(body, headers)).toMatchObject({ type: 'orders.created' });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('validates v1a keys up front', () => {
    expect(() => createSigner([generateSecret(), 'whsk_AAAA'])).toThrow(InvalidSecretError);
  });
});

describe('generateSigningSecret and verificationKeyOf', () => {
  it('makes a whsec_ secret for v1, shown as itself', () => {
    const secret = generateSigningSecret('v1');
    expect(secret).toMatch(/^whsec_/);
    expect(verificationKeyOf(secret)).toEqual({ scheme: 'v1', secret });
  });

  it('makes a whsk_ secret key for v1a, shown only as its public key', () => {
    const secret = generateSigningSecret('v1a');
    expect(secret).toMatch(/^whsk_/);
    const shown = verificationKeyOf(secret);
    expect(shown).toEqual({ scheme: 'v1a', publicKey: ed25519PublicKeyOf(secret) });
    expect(JSON.stringify(shown)).not.toContain(secret.slice(5, 40));
  });
});
