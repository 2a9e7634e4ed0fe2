import { describe, expect, it } from 'vitest';
import { HttpCanaryApi } from '../../../functions/smoke/adapters/HttpCanaryApi.ts';
import { isUnauthorized, SmokeError } from '../../../functions/smoke/errors.ts';

const api = (answer: () => Promise<Response>) =>
  new HttpCanaryApi('https://api.example.test/', 'admin', answer);

describe('HttpCanaryApi', () => {
  it('turns a refusal into a SmokeError naming the call, retryable only for 5xx and 429', async () => {
    const server = await api(async () => new Response('boom', { status: 503 }))
      .createTenant('canary-x', 'x')
      .catch((e: unknown) => e);
    expect(server).toBeInstanceOf(SmokeError);
    expect(server).toMatchObject({
      code: 'api_refused',
      retryable: true,
      message: 'POST /v1/tenants answered 503: boom',
    });
    const client = await api(async () => new Response('{"error":"bad"}', { status: 422 }))
      .deleteEndpoint('key', 'ep_1')
      .catch((e: unknown) => e);
    expect(client).toMatchObject({ code: 'api_refused', retryable: false });
  });

  it('marks 401 and 403 as unauthorized, so a kept tenant whose key stopped working is replaced', async () => {
    for (const status of [401, 403]) {
      const error = await api(async () => new Response('no', { status }))
        .createEndpoint('rwk_old', { url: 'https://rx/', transport: 'pooled', description: 'd' })
        .catch((e: unknown) => e);
      expect(isUnauthorized(error)).toBe(true);
    }
  });

  it('keeps the cause of a network failure, retryable', async () => {
    const cause = new TypeError('fetch failed');
    const error = await api(() => Promise.reject(cause))
      .createTenant('canary-x', 'x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'api_unreachable', retryable: true, cause });
  });

  it('refuses an answer without the signing secret (a v1a endpoint shows only a public key)', async () => {
    const error = await api(async () => Response.json({ id: 'ep_1', publicKey: 'whpk_x' }, { status: 201 }))
      .createEndpoint('key', { url: 'https://rx/', transport: 'pooled', description: 'd' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'api_unexpected', message: 'the API answer has no string "secret"' });
  });

  it('reads the dedicated state, null for an endpoint without one', async () => {
    const active = api(async () => Response.json({ dedicated: { status: 'active', reason: null } }));
    expect(await active.dedicatedState('key', 'ep_1')).toEqual({ status: 'active', reason: null });
    expect(
      await api(async () => Response.json({ dedicated: null })).dedicatedState('key', 'ep_1'),
    ).toBeNull();
  });
});
