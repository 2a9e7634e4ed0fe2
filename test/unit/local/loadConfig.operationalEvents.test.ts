import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../functions/local/errors.ts';
import { loadConfig } from '../../../functions/local/loadConfig.ts';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const URL = 'https://ops.example.com/rowhook';

describe('loadConfig: auto-disable period and operator webhook', () => {
  it('defaults to disabling after 5 days and no operator webhook', () => {
    expect(loadConfig({})).toMatchObject({ disableAfterMs: 5 * 86_400_000, operatorWebhook: null });
  });

  it('reads ROWHOOK_DISABLE_AFTER as a duration', () => {
    expect(loadConfig({ ROWHOOK_DISABLE_AFTER: '36h' }).disableAfterMs).toBe(36 * 3_600_000);
  });

  it.each([
    ['5 days', /ROWHOOK_DISABLE_AFTER="5 days" must be a duration like/],
    ['0s', /ROWHOOK_DISABLE_AFTER="0s" must be between 1000 ms and/],
    ['91d', /ROWHOOK_DISABLE_AFTER="91d" must be between/],
  ])('refuses ROWHOOK_DISABLE_AFTER=%s', (value, message) => {
    expect(() => loadConfig({ ROWHOOK_DISABLE_AFTER: value })).toThrow(message);
  });

  it('takes the operator webhook URL and secret together', () => {
    expect(
      loadConfig({ ROWHOOK_OPERATOR_WEBHOOK_URL: URL, ROWHOOK_OPERATOR_WEBHOOK_SECRET: SECRET })
        .operatorWebhook,
    ).toEqual({ url: URL, secret: SECRET });
  });

  it.each([
    [
      { ROWHOOK_OPERATOR_WEBHOOK_URL: URL },
      /ROWHOOK_OPERATOR_WEBHOOK_URL=.* needs ROWHOOK_OPERATOR_WEBHOOK_SECRET/,
    ],
    [{ ROWHOOK_OPERATOR_WEBHOOK_SECRET: SECRET }, /is set without ROWHOOK_OPERATOR_WEBHOOK_URL; set both/],
    [
      { ROWHOOK_OPERATOR_WEBHOOK_URL: 'ftp://ops.example.com', ROWHOOK_OPERATOR_WEBHOOK_SECRET: SECRET },
      /ROWHOOK_OPERATOR_WEBHOOK_URL="ftp:\/\/ops.example.com" must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { ROWHOOK_OPERATOR_WEBHOOK_URL: 'not a url', ROWHOOK_OPERATOR_WEBHOOK_SECRET: SECRET },
      /must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      { ROWHOOK_OPERATOR_WEBHOOK_URL: URL, ROWHOOK_OPERATOR_WEBHOOK_SECRET: 'whsec_short' },
      /ROWHOOK_OPERATOR_WEBHOOK_SECRET=\(value hidden\) is not a signing secret .*use whsec_ \+ base64/,
    ],
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(InvalidConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes the operator secret', () => {
    const secret = 'whsec_not-base64-and-secret';
    expect(() =>
      loadConfig({ ROWHOOK_OPERATOR_WEBHOOK_URL: URL, ROWHOOK_OPERATOR_WEBHOOK_SECRET: secret }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('not-base64-and-secret') }));
  });
});
