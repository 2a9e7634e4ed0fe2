import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSigner } from '../../../functions/core/signing/createSigner.ts';
import { NoSigningSecretsError } from '../../../functions/core/signing/errors.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { signPayload } from '../../../functions/core/signing/signPayload.ts';
import { webhookHeaders } from '../../../functions/core/signing/webhookHeaders.ts';

// Values copied from the "sign function works" test of the reference JavaScript library:
// standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function signed(secrets: readonly string[], body: string) {
  const id = 'msg_roundtrip';
  const timestamp = nowSeconds();
  return webhookHeaders({ id, timestamp, signature: signPayload({ id, timestamp, body, secrets }) });
}

describe('signPayload', () => {
  it('reproduces the Standard Webhooks reference test vector byte for byte', () => {
    const signature = signPayload({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secrets: [VECTOR.secret],
    });
    expect(signature).toBe(VECTOR.signature);
  });

  it('agrees with the reference library signer', () => {
    const reference = new Webhook(VECTOR.secret).sign(
      VECTOR.id,
      new Date(VECTOR.timestamp * 1000),
      VECTOR.body,
    );
    expect(reference).toBe(VECTOR.signature);
  });

  it('emits one space-separated signature per secret, in order', () => {
    const other = generateSecret();
    const signature = signPayload({ ...VECTOR, secrets: [VECTOR.secret, other] });
    const parts = signature.split(' ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe(VECTOR.signature);
    expect(parts[1]).toBe(signPayload({ ...VECTOR, secrets: [other] }));
  });

  it('does not repeat a signature for a secret listed twice', () => {
    expect(signPayload({ ...VECTOR, secrets: [VECTOR.secret, VECTOR.secret] })).toBe(VECTOR.signature);
  });

  it('signs non-ASCII bodies as UTF-8 like receivers do', () => {
    const body = '{"name":"Zoë ✓ 🚀"}';
    const headers = signed([VECTOR.secret], body);
    expect(() => new Webhook(VECTOR.secret).verify(body, { ...headers })).not.toThrow();
  });

  it('throws when no secrets are given', () => {
    expect(() => signPayload({ ...VECTOR, secrets: [] })).toThrow(NoSigningSecretsError);
    expect(() => createSigner([])).toThrow(expect.objectContaining({ code: 'no_signing_secrets' }));
  });

  it.each([
    ['fractional timestamp', { timestamp: 1.5 }],
    ['negative timestamp', { timestamp: -1 }],
    ['NaN timestamp', { timestamp: Number.NaN }],
    ['empty id', { id: '' }],
  ])('rejects %s', (_name, override) => {
    const sign = createSigner([VECTOR.secret]);
    expect(() =>
      sign({ id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.body, ...override }),
    ).toThrow(expect.objectContaining({ code: 'invalid_signing_input' }));
  });
});

describe('round trip through standardwebhooks Webhook#verify', () => {
  const body = '{"type":"row.inserted","data":{"id":42}}';

  it('verifies with a single secret', () => {
    const secret = generateSecret();
    expect(new Webhook(secret).verify(body, { ...signed([secret], body) })).toEqual(JSON.parse(body));
  });

  it('verifies independently with each of two overlapping secrets', () => {
    const previous = generateSecret();
    const next = generateSecret();
    const headers = signed([previous, next], body);
    expect(() => new Webhook(previous).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(next).verify(body, { ...headers })).not.toThrow();
  });

  it('fails for a tampered body', () => {
    const secret = generateSecret();
    const headers = signed([secret], body);
    expect(() => new Webhook(secret).verify(body.replace('42', '43'), { ...headers })).toThrow(
      'No matching signature found',
    );
  });

  it('fails for a wrong secret', () => {
    const headers = signed([generateSecret()], body);
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow(
      'No matching signature found',
    );
  });

  it('fails when the timestamp header is changed after signing', () => {
    const secret = generateSecret();
    const headers = signed([secret], body);
    const shifted = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) };
    expect(() => new Webhook(secret).verify(body, shifted)).toThrow('No matching signature found');
  });
});
