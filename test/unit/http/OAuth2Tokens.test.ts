import { describe, expect, it } from 'vitest';
import { OAuth2TokenError } from '../../../functions/adapters/http/errors.ts';
import { type FormPost, OAuth2Tokens } from '../../../functions/adapters/http/OAuth2Tokens.ts';
import type { ReceiverAuth } from '../../../functions/core/receivers/ReceiverOptions.ts';

const AUTH: Extract<ReceiverAuth, { type: 'oauth2' }> = {
  type: 'oauth2',
  tokenUrl: 'https://auth.example.com/token',
  clientId: 'cid',
  scope: null,
  extraParams: {},
  clientAuthentication: 'basic',
};
const TARGET = { endpointId: 'ep_1', revision: 'r1' };
const signal = new AbortController().signal;

function tokenServer(expiresIn: number | undefined) {
  let issued = 0;
  let release: () => void = () => {};
  const gate = { held: false };
  const post: FormPost = async () => {
    issued++;
    if (gate.held) await new Promise<void>((resolve) => (release = resolve));
    return {
      status: 200,
      body: JSON.stringify({ access_token: `t${issued}`, token_type: 'bearer', expires_in: expiresIn }),
    };
  };
  return { post, gate, release: () => release(), issued: () => issued };
}

describe('OAuth2Tokens', () => {
  it('shares one token request between concurrent deliveries to the same endpoint', async () => {
    const server = tokenServer(3600);
    const tokens = new OAuth2Tokens(server.post, () => 0);
    server.gate.held = true;
    const both = Promise.all([
      tokens.token(TARGET, AUTH, 's', signal),
      tokens.token(TARGET, AUTH, 's', signal),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    server.release();
    expect(await both).toEqual(['t1', 't1']);
    expect(server.issued()).toBe(1);
  });

  it('refreshes 30 s before expiry (a tenth of short lifetimes), after a change, and after a rejection', async () => {
    let now = 0;
    const server = tokenServer(3600);
    const tokens = new OAuth2Tokens(server.post, () => now);
    expect(await tokens.token(TARGET, AUTH, 's', signal)).toBe('t1');
    now = 3_569_999;
    expect(await tokens.token(TARGET, AUTH, 's', signal)).toBe('t1');
    now = 3_570_000;
    expect(await tokens.token(TARGET, AUTH, 's', signal)).toBe('t2');
    expect(await tokens.token({ ...TARGET, revision: 'r2' }, AUTH, 's', signal)).toBe('t3');
    expect(await tokens.token({ ...TARGET, revision: 'r2' }, AUTH, 's', signal, 't3')).toBe('t4');
    // A token other than the one rejected is still good: no request.
    expect(await tokens.token({ ...TARGET, revision: 'r2' }, AUTH, 's', signal, 't3')).toBe('t4');
    expect(server.issued()).toBe(4);
  });

  it('turns a token endpoint without a usable token into OAuth2TokenError, never quoting the secret', async () => {
    const tokens = new OAuth2Tokens(async () => ({ status: 200, body: '{"token_type":"bearer"}' }));
    const error = await tokens.token(TARGET, AUTH, 'secret-x', signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuth2TokenError);
    expect((error as Error).message).toContain('without a usable access_token');
    expect((error as Error).message).not.toContain('secret-x');
  });
});
