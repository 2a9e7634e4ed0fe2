import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_FALLBACK_REASON } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/**
 * Dedicated delivery settings through the API of the local runtime. Locally there are no
 * EventBridge API destinations: the settings are kept and returned as on AWS, an endpoint that
 * wants an API destination reads `dedicated.status: "fallback-pooled"` with a reason, it is
 * delivered by the pooled worker like any other, and the auth secret is never stored.
 */

const harness = useTestRuntime();
let receiver: TestReceiver;
let pooledKey: string;
let dedicatedKey: string;

const SECRET = 'super-secret-api-key-value';
const NEVER_ECHOED = 'refused-secret-value-7f3a';

beforeAll(async () => {
  receiver = await new TestReceiver().start();
  pooledKey = (await harness.api.createTenant('ded-pooled')).apiKey;
  const res = await harness.api.call('POST', '/v1/tenants', TEST_ADMIN_TOKEN, {
    id: 'ded-silo',
    name: 'Silo tenant',
    tier: 'dedicated',
  });
  expect(res.status).toBe(201);
  dedicatedKey = res.json.apiKey;
});

afterAll(async () => {
  await receiver?.stop();
});

const localFallback = { apiDestinationArn: null, status: 'fallback-pooled', reason: LOCAL_FALLBACK_REASON };

describe('dedicated delivery settings', () => {
  it('defaults to auto, no rate limit, no auth and no dedicated status on a pooled tenant', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', pooledKey, { url: receiver.url });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      transport: 'auto',
      rateLimitPerSecond: null,
      auth: null,
      dedicated: null,
    });
  });

  it('round-trips transport, rate limit and auth; never echoes the auth secret', async () => {
    const auth = { type: 'API_KEY', headerName: 'x-api-key' };
    const created = await harness.api.call('POST', '/v1/endpoints', pooledKey, {
      url: receiver.url,
      transport: 'api-destination',
      rateLimitPerSecond: 20,
      auth,
      authSecret: SECRET,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      transport: 'api-destination',
      rateLimitPerSecond: 20,
      auth,
      dedicated: localFallback,
    });
    expect(created.json).not.toHaveProperty('authSecret');
    expect(JSON.stringify(created.json)).not.toContain(SECRET);
    const id: string = created.json.id;

    const read = await harness.api.call('GET', `/v1/endpoints/${id}`, pooledKey);
    expect(read.json).toMatchObject({ transport: 'api-destination', rateLimitPerSecond: 20, auth });
    expect(JSON.stringify(read.json)).not.toContain(SECRET);
    const listed = await harness.api.call('GET', '/v1/endpoints', pooledKey);
    expect(JSON.stringify(listed.json)).not.toContain(SECRET);

    // Locally the secret is not kept anywhere: only API destinations would use it.
    const rows = await harness.database.db.query<{ n: string }>(
      `select count(*)::text as n from rowhook.endpoints e
        where e.id = $1 and row_to_json(e)::text like '%' || $2 || '%'`,
      [id, SECRET],
    );
    expect(rows[0]?.n).toBe('0');

    const patched = await harness.api.call('PATCH', `/v1/endpoints/${id}`, pooledKey, {
      rateLimitPerSecond: 300,
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        tokenUrl: 'https://auth.example.com/token',
        clientId: 'c1',
        scope: 'hooks',
      },
      authSecret: 'client-secret-value',
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      rateLimitPerSecond: 300,
      auth: {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        tokenUrl: 'https://auth.example.com/token',
        clientId: 'c1',
        scope: 'hooks',
      },
      dedicated: localFallback,
    });
    expect(JSON.stringify(patched.json)).not.toContain('client-secret-value');

    const pooled = await harness.api.call('PATCH', `/v1/endpoints/${id}`, pooledKey, {
      transport: 'pooled',
      auth: null,
      rateLimitPerSecond: null,
    });
    expect(pooled.json).toMatchObject({
      transport: 'pooled',
      auth: null,
      rateLimitPerSecond: null,
      dedicated: null,
    });
  });

  it("follows the tenant's dedicated tier with transport auto, and an explicit pooled overrides it", async () => {
    const auto = await harness.api.call('POST', '/v1/endpoints', dedicatedKey, { url: receiver.url });
    expect(auto.json).toMatchObject({ transport: 'auto', dedicated: localFallback });
    const pooled = await harness.api.call('POST', '/v1/endpoints', dedicatedKey, {
      url: receiver.url,
      transport: 'pooled',
    });
    expect(pooled.json).toMatchObject({ transport: 'pooled', dedicated: null });
  });

  it('still delivers an api-destination endpoint locally, through the pooled worker, signed', async () => {
    const hook = await new TestReceiver().start();
    try {
      const created = await harness.api.call('POST', '/v1/endpoints', dedicatedKey, {
        url: hook.url,
        transport: 'api-destination',
        auth: { type: 'BASIC', username: 'hook-user' },
        authSecret: 'basic-password',
      });
      expect(created.status).toBe(201);
      const test = await harness.api.call('POST', `/v1/endpoints/${created.json.id}/test`, dedicatedKey);
      expect(test.status).toBe(202);
      await expect.poll(() => hook.received.length, { timeout: 10_000 }).toBe(1);
      const webhook = hook.received[0];
      if (!webhook) throw new Error('no webhook');
      expect(
        new Webhook(created.json.secret).verify(webhook.body, webhook.headers as Record<string, string>),
      ).toMatchObject({ type: 'webhook.test' });
      // Pooled locally: no connection auth is sent.
      expect(webhook.headers.authorization).toBeUndefined();
    } finally {
      await hook.stop();
    }
  });

  it('deletes an endpoint and its secrets', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', pooledKey, { url: receiver.url });
    const id: string = created.json.id;
    expect((await harness.api.call('DELETE', `/v1/endpoints/${id}`, pooledKey)).status).toBe(204);
    const rows = await harness.database.db.query<{ n: string }>(
      'select count(*)::text as n from rowhook.endpoint_secrets where endpoint_id = $1',
      [id],
    );
    expect(rows[0]?.n).toBe('0');
    expect((await harness.api.call('GET', `/v1/endpoints/${id}/secret`, pooledKey)).status).toBe(404);
  });
});

describe('dedicated delivery validation', () => {
  let endpointId: string;
  beforeAll(async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', pooledKey, { url: receiver.url });
    endpointId = created.json.id;
  });

  const cases: { name: string; method: 'POST' | 'PATCH'; body: Record<string, unknown>; message: RegExp }[] =
    [
      {
        name: 'auth without authSecret on create',
        method: 'POST',
        body: { transport: 'api-destination', auth: { type: 'API_KEY', headerName: 'x-api-key' } },
        message: /authSecret: is required with auth API_KEY: the API key value/,
      },
      {
        name: 'authSecret without auth on create',
        method: 'POST',
        body: { authSecret: NEVER_ECHOED },
        message: /authSecret: is only accepted together with auth/,
      },
      {
        name: 'rate limit above 300',
        method: 'POST',
        body: { rateLimitPerSecond: 301 },
        message: /rateLimitPerSecond: must be between 1 and 300/,
      },
      {
        name: 'rate limit 0',
        method: 'PATCH',
        body: { rateLimitPerSecond: 0 },
        message: /rateLimitPerSecond: must be between 1 and 300/,
      },
      {
        name: 'fractional rate limit',
        method: 'PATCH',
        body: { rateLimitPerSecond: 2.5 },
        message: /rateLimitPerSecond: must be a whole number/,
      },
      {
        name: 'unknown transport',
        method: 'POST',
        body: { transport: 'sqs' },
        message: /transport: must be "auto" \(follow the tenant tier\), "pooled" or "api-destination"/,
      },
      {
        name: 'unknown auth type',
        method: 'POST',
        body: { auth: { type: 'DIGEST', username: 'x' }, authSecret: NEVER_ECHOED },
        message: /auth.type: must be "API_KEY", "BASIC" or "OAUTH_CLIENT_CREDENTIALS"/,
      },
      {
        name: 'a secret inside auth',
        method: 'POST',
        body: { auth: { type: 'BASIC', username: 'u', password: 'p' }, authSecret: NEVER_ECHOED },
        message: /unknown field\(s\) "password"/,
      },
      {
        name: 'a bad API key header name',
        method: 'POST',
        body: { auth: { type: 'API_KEY', headerName: 'x api key' }, authSecret: NEVER_ECHOED },
        message: /auth.headerName: must be an HTTP header name/,
      },
      {
        name: 'an http token URL',
        method: 'POST',
        body: {
          auth: { type: 'OAUTH_CLIENT_CREDENTIALS', tokenUrl: 'http://auth.example.com/t', clientId: 'c' },
          authSecret: NEVER_ECHOED,
        },
        message: /auth.tokenUrl: must be the https:\/\/ URL/,
      },
      {
        name: 'authSecret on an endpoint with no auth',
        method: 'PATCH',
        body: { authSecret: NEVER_ECHOED },
        message: /authSecret: the endpoint has no auth; send auth with it/,
      },
      {
        name: 'a new auth type without its secret',
        method: 'PATCH',
        body: { auth: { type: 'BASIC', username: 'u' } },
        message: /authSecret: is required when auth changes to BASIC: the password/,
      },
      {
        name: 'authSecret while removing auth',
        method: 'PATCH',
        body: { auth: null, authSecret: NEVER_ECHOED },
        message: /authSecret: cannot be set while removing auth/,
      },
    ];

  for (const c of cases) {
    it(`${c.method} with ${c.name} → 400 naming the problem`, async () => {
      const res =
        c.method === 'POST'
          ? await harness.api.call('POST', '/v1/endpoints', pooledKey, { url: receiver.url, ...c.body })
          : await harness.api.call('PATCH', `/v1/endpoints/${endpointId}`, pooledKey, c.body);
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error.code).toBe('invalid_request');
      expect(res.json.error.message).toMatch(c.message);
      expect(JSON.stringify(res.json)).not.toContain(NEVER_ECHOED);
    });
  }

  it('leaves the endpoint unchanged after a refused patch', async () => {
    const res = await harness.api.call('GET', `/v1/endpoints/${endpointId}`, pooledKey);
    expect(res.json).toMatchObject({
      transport: 'auto',
      rateLimitPerSecond: null,
      auth: null,
      dedicated: null,
    });
  });
});
