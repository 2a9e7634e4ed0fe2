import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';
import { TEST_SECRET_KEY, useTestRuntime } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';

const harness = useTestRuntime();
let receiver: TestReceiver;
let apiKey: string;

beforeAll(async () => {
  receiver = await new TestReceiver().start();
  apiKey = (await harness.api.createTenant('signer')).apiKey;
});

afterAll(async () => {
  await receiver?.stop();
});

/**
 * A receiver's v1a check written from the Standard Webhooks spec alone: each `v1a,<base64>` entry
 * is an ed25519 signature of `${webhook-id}.${webhook-timestamp}.${body}` under the whpk_ key.
 */
function verifiesV1a(publicKey: string, webhook: ReceivedWebhook): boolean {
  const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  const id = String(webhook.headers['webhook-id']);
  const timestamp = String(webhook.headers['webhook-timestamp']);
  const content = Buffer.from(`${id}.${timestamp}.${webhook.body}`, 'utf8');
  return signatureEntries(webhook)
    .filter(([version]) => version === 'v1a')
    .some(([, signature]) => verify(null, content, key, Buffer.from(signature, 'base64')));
}

const signatureEntries = (webhook: ReceivedWebhook) =>
  String(webhook.headers['webhook-signature'])
    .split(' ')
    .map((entry) => entry.split(',') as [string, string]);

async function sendTest(endpointId: string): Promise<ReceivedWebhook> {
  const before = receiver.received.length;
  expect((await harness.api.call('POST', `/v1/endpoints/${endpointId}/test`, apiKey)).status).toBe(202);
  await receiver.waitForCount(before + 1);
  const webhook = receiver.received[before];
  if (!webhook) throw new Error('no webhook');
  return webhook;
}

describe('v1a (ed25519) endpoints', () => {
  it('get a public key instead of a secret, and deliveries verify with it', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      signatureScheme: 'v1a',
    });
    expect(created.status).toBe(201);
    const { id, publicKey, secret, signatureScheme } = created.json;
    expect(signatureScheme).toBe('v1a');
    expect(secret).toBeUndefined();
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect((await harness.api.call('GET', `/v1/endpoints/${id}`, apiKey)).json.signatureScheme).toBe('v1a');
    expect((await harness.api.call('GET', `/v1/endpoints/${id}/secret`, apiKey)).json).toEqual({ publicKey });

    // The private key stays in the store, sealed: it is a whsk_ key whose public half is the one shown.
    const [row] = await harness.database.db.query<{ ciphertext: Buffer; scheme: string }>(
      `select s.ciphertext, e.signature_scheme as scheme from rowhook.endpoint_secrets s
         join rowhook.endpoints e on e.id = s.endpoint_id where s.endpoint_id = $1`,
      [id],
    );
    expect(row?.scheme).toBe('v1a');
    const stored = row && new SecretCipher(Buffer.from(TEST_SECRET_KEY, 'base64')).open(row.ciphertext, id);
    expect(stored).toMatch(/^whsk_/);
    expect(Buffer.from(String(stored).slice(5), 'base64').subarray(32).toString('base64')).toBe(
      publicKey.slice(5),
    );

    const webhook = await sendTest(id);
    expect(signatureEntries(webhook).map(([version]) => version)).toEqual(['v1a']);
    expect(verifiesV1a(publicKey, webhook)).toBe(true);
    expect(JSON.parse(webhook.body)).toMatchObject({ type: 'webhook.test', data: { endpointId: id } });
    // The check can fail: another body, or the public key of another endpoint, does not verify.
    expect(verifiesV1a(publicKey, { ...webhook, body: `${webhook.body} ` })).toBe(false);
    const other = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      signatureScheme: 'v1a',
    });
    expect(verifiesV1a(other.json.publicKey, webhook)).toBe(false);
  });

  it('rotate to a new key pair and sign with both while the old one overlaps', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      signatureScheme: 'v1a',
    });
    const { id, publicKey: oldKey } = created.json;
    const rotated = await harness.api.call('POST', `/v1/endpoints/${id}/rotate-secret`, apiKey);
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).toBeUndefined();
    const newKey: string = rotated.json.publicKey;
    expect(newKey).toMatch(/^whpk_/);
    expect(newKey).not.toBe(oldKey);
    expect((await harness.api.call('GET', `/v1/endpoints/${id}/secret`, apiKey)).json).toEqual({
      publicKey: newKey,
    });

    const webhook = await sendTest(id);
    const entries = signatureEntries(webhook);
    expect(entries.map(([version]) => version)).toEqual(['v1a', 'v1a']);
    expect(verifiesV1a(newKey, webhook)).toBe(true);
    expect(verifiesV1a(oldKey, webhook)).toBe(true);
    // Newest first: the first entry alone verifies with the new key.
    expect(
      verifiesV1a(newKey, {
        ...webhook,
        headers: { ...webhook.headers, 'webhook-signature': entries[0]?.join(',') },
      }),
    ).toBe(true);
  });

  it('switch schemes by PATCH: the answer carries the new key and both schemes sign during the overlap', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      signatureScheme: 'v1a',
    });
    const { id, publicKey } = created.json;

    const toV1 = await harness.api.call('PATCH', `/v1/endpoints/${id}`, apiKey, { signatureScheme: 'v1' });
    expect(toV1.status).toBe(200);
    expect(toV1.json).toMatchObject({ id, signatureScheme: 'v1', secret: expect.stringMatching(/^whsec_/) });
    expect(Date.parse(toV1.json.previousSecretsExpireAt)).toBeGreaterThan(Date.now());
    const webhook = await sendTest(id);
    expect(signatureEntries(webhook).map(([version]) => version)).toEqual(['v1', 'v1a']);
    expect(
      new Webhook(toV1.json.secret).verify(webhook.body, webhook.headers as Record<string, string>),
    ).toMatchObject({ type: 'webhook.test' });
    expect(verifiesV1a(publicKey, webhook)).toBe(true);

    // The same scheme again changes nothing: no new key, no key in the answer.
    const same = await harness.api.call('PATCH', `/v1/endpoints/${id}`, apiKey, { signatureScheme: 'v1' });
    expect(same.json.secret).toBeUndefined();
    expect((await harness.api.call('GET', `/v1/endpoints/${id}/secret`, apiKey)).json).toEqual({
      secret: toV1.json.secret,
    });

    const back = await harness.api.call('PATCH', `/v1/endpoints/${id}`, apiKey, { signatureScheme: 'v1a' });
    expect(back.json).toMatchObject({ signatureScheme: 'v1a', publicKey: expect.stringMatching(/^whpk_/) });
    expect(back.json.secret).toBeUndefined();
  });

  it('v1 stays the default and verifies with the standardwebhooks library', async () => {
    const created = await harness.api.createEndpoint(apiKey, { url: receiver.url });
    const shown = await harness.api.call('GET', `/v1/endpoints/${created.id}`, apiKey);
    expect(shown.json.signatureScheme).toBe('v1');
    expect(created.secret).toMatch(/^whsec_/);
    const webhook = await sendTest(created.id);
    expect(signatureEntries(webhook).map(([version]) => version)).toEqual(['v1']);
    expect(
      new Webhook(created.secret).verify(webhook.body, webhook.headers as Record<string, string>),
    ).toMatchObject({ type: 'webhook.test' });
  });

  it.each([
    ['POST', { url: 'http://127.0.0.1:9/x', signatureScheme: 'v2' }],
    ['POST', { url: 'http://127.0.0.1:9/x', signatureScheme: null }],
    ['PATCH', { signatureScheme: 'ed25519' }],
  ])('refuses an unknown scheme with a clear 400 (%s %j)', async (method, body) => {
    const path =
      method === 'POST'
        ? '/v1/endpoints'
        : `/v1/endpoints/${(await harness.api.createEndpoint(apiKey, { url: receiver.url })).id}`;
    const response = await harness.api.call(method, path, apiKey, body);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/signatureScheme.*"v1".*"v1a"/);
  });
});
