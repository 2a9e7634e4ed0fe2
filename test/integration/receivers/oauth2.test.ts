import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OAuth2TokenServer } from '../../support/OAuth2TokenServer.ts';
import { TEST_ADMIN_TOKEN } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { attemptsOf, sendTest, useLoggedRuntime } from './receiverSupport.ts';

const CLIENT_ID = 'rowhook-client';
const CLIENT_SECRET = 'client-secret-9d2f61b0 +&=';

const harness = useLoggedRuntime();
let tokens: OAuth2TokenServer;
let receiver: TestReceiver;
let apiKey: string;

beforeAll(async () => {
  tokens = await new OAuth2TokenServer(CLIENT_ID, CLIENT_SECRET).start();
  receiver = await new TestReceiver().start();
  // The receiver accepts only tokens the token server issued and has not revoked.
  receiver.respondWith((webhook, _i, res) =>
    res.writeHead(tokens.isValid(webhook.headers.authorization as string | undefined) ? 200 : 401).end(),
  );
  apiKey = (await harness.api.createTenant('oauth')).apiKey;
});
afterAll(async () => {
  await Promise.all([receiver?.stop(), tokens?.stop()]);
});
beforeEach(() => {
  tokens.failWith = null;
  tokens.expiresIn = 3600;
});

async function oauthEndpoint(extra: Record<string, unknown> = {}) {
  const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
    url: receiver.url,
    receiverAuth: {
      type: 'oauth2',
      tokenUrl: tokens.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scope: 'webhooks:write',
      extraParams: { audience: 'https://receiver.example' },
      ...extra,
    },
  });
  expect(created.status).toBe(201);
  return created.json as { id: string; secret: string };
}

describe('OAuth2 client credentials', () => {
  it('requests a token per RFC 6749 §4.4 once and reuses it while it is fresh', async () => {
    const endpoint = await oauthEndpoint();
    const before = tokens.requests.length;
    const first = await sendTest(harness, receiver, apiKey, endpoint.id);
    const second = await sendTest(harness, receiver, apiKey, endpoint.id);
    expect(tokens.requests.length).toBe(before + 1);
    const request = tokens.requests[before];
    expect(request?.form.get('grant_type')).toBe('client_credentials');
    expect(request?.form.get('scope')).toBe('webhooks:write');
    expect(request?.form.get('audience')).toBe('https://receiver.example');
    // client_secret_basic (the default): the secret is in the Basic header, not the form.
    expect(request?.form.get('client_secret')).toBeNull();
    expect(request?.authorization).toMatch(/^Basic /);
    expect(first.headers.authorization).toBe(second.headers.authorization);
    expect(tokens.isValid(String(second.headers.authorization))).toBe(true);
    new Webhook(endpoint.secret).verify(second.body, {
      'webhook-id': String(second.headers['webhook-id']),
      'webhook-timestamp': String(second.headers['webhook-timestamp']),
      'webhook-signature': String(second.headers['webhook-signature']),
    });
  });

  it('sends client_secret_post when asked to', async () => {
    const endpoint = await oauthEndpoint({ clientAuthentication: 'post' });
    const before = tokens.requests.length;
    await sendTest(harness, receiver, apiKey, endpoint.id);
    const request = tokens.requests[before];
    expect(request?.form.get('client_id')).toBe(CLIENT_ID);
    expect(request?.form.get('client_secret')).toBe(CLIENT_SECRET);
    expect(request?.authorization).toBeUndefined();
  });

  it('gets a new token once the cached one is near expiry', async () => {
    tokens.expiresIn = 1;
    const endpoint = await oauthEndpoint();
    const before = tokens.requests.length;
    const issuedAt = Date.now();
    const first = await sendTest(harness, receiver, apiKey, endpoint.id);
    // Expiry is the subject: wait until the 1 s token is within its refresh margin.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issuedAt + 1_000 - Date.now())));
    const second = await sendTest(harness, receiver, apiKey, endpoint.id);
    expect(tokens.requests.length).toBe(before + 2);
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
  });

  it('after a 401 gets a new token once and retries within the same attempt', async () => {
    const endpoint = await oauthEndpoint();
    const first = await sendTest(harness, receiver, apiKey, endpoint.id);
    tokens.revoke(String(first.headers.authorization).slice('Bearer '.length));
    const before = tokens.requests.length;
    const received = receiver.received.length;
    const sent = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, apiKey);
    expect(sent.status).toBe(202);
    await receiver.waitForCount(received + 2);
    const [refused, accepted] = receiver.received.slice(received);
    expect(refused?.headers.authorization).toBe(first.headers.authorization);
    expect(accepted?.headers.authorization).not.toBe(first.headers.authorization);
    expect(tokens.isValid(String(accepted?.headers.authorization))).toBe(true);
    expect(refused?.headers['webhook-id']).toBe(accepted?.headers['webhook-id']);
    expect(tokens.requests.length).toBe(before + 1);
    // One attempt in the log, delivered.
    await expect
      .poll(async () => (await attemptsOf(harness, apiKey, endpoint.id)).map((a) => a.status))
      .toEqual([200, 200]);
  });

  it('records a failing token endpoint as its own failure class and retries on the endpoint schedule', async () => {
    tokens.failWith = 500;
    const endpoint = await oauthEndpoint();
    // The endpoint's own schedule: one retry, then the dead letter.
    const patched = await harness.api.call('PATCH', `/v1/endpoints/${endpoint.id}`, apiKey, {
      retrySchedule: '200ms',
    });
    expect(patched.status).toBe(200);
    const before = tokens.requests.length;
    const received = receiver.received.length;
    expect((await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, apiKey)).status).toBe(202);
    const deadLetters = async () =>
      (await harness.api.call('GET', `/v1/dead-letters?endpointId=${endpoint.id}`, TEST_ADMIN_TOKEN)).json
        .items as { errorClass: string; lastError: string; attempts: number }[];
    await expect.poll(deadLetters, { timeout: 10_000 }).toHaveLength(1);
    const [dead] = await deadLetters();
    expect(dead?.errorClass).toBe('oauth2_token');
    const attempts = await attemptsOf(harness, apiKey, endpoint.id);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.errorClass).toBe('oauth2_token');
      expect(attempt.errorMessage).toContain(`oauth2 token endpoint ${tokens.url} answered HTTP 500`);
    }
    expect(tokens.requests.length).toBe(before + 2);
    // The receiver was never called without a token.
    expect(receiver.received.length).toBe(received);
    expect(harness.logs.join('\n')).not.toContain('client-secret-9d2f61b0');
  });
});
