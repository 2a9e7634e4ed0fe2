import { describe, expect, it } from 'vitest';
import { createSigner } from '../../../functions/core/signing/createSigner.ts';
import { InvalidSecretError } from '../../../functions/core/signing/errors.ts';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { signPayload } from '../../../functions/core/signing/signPayload.ts';

describe('createSigner', () => {
  it('validates every secret up front rather than on first use', () => {
    expect(() => createSigner([generateSecret(), 'whsec_short'])).toThrow(InvalidSecretError);
  });

  it('produces the same signatures as signPayload and can be reused', () => {
    const secrets = [generateSecret(), generateSecret()];
    const sign = createSigner(secrets);
    for (const [id, timestamp, body] of [
      ['msg_1', 1_700_000_000, '{}'],
      ['msg_2', 1_700_000_001, '{"a":1}'],
    ] as const) {
      expect(sign({ id, timestamp, body })).toBe(signPayload({ id, timestamp, body, secrets }));
    }
  });

  it('changes the signature when any signed part changes', () => {
    const sign = createSigner([generateSecret()]);
    const base = { id: 'msg_1', timestamp: 1_700_000_000, body: '{}' };
    const signatures = new Set([
      sign(base),
      sign({ ...base, id: 'msg_2' }),
      sign({ ...base, timestamp: base.timestamp + 1 }),
      sign({ ...base, body: '{ }' }),
    ]);
    expect(signatures.size).toBe(4);
  });
});
