import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';
import { TEST_SECRET_KEY } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';
import { sendTest, useLoggedRuntime } from './receiverSupport.ts';

const harness = useLoggedRuntime();
let receiver: TestReceiver;
let apiKey: string;

// Distinctive values, searched for in answers, the database and the log.
const HEADER_SECRET = 'hdr-secret-7f3a9c2e';
const PASSWORD = 'basic-pass-51d0b8aa';
const TOKEN = 'bearer-token-c4e19f07';

beforeAll(async () => {
  receiver = await new TestReceiver().start();
  apiKey = (await harness.api.createTenant('receivers')).apiKey;
});
afterAll(async () => {
  await receiver?.stop();
});

const verify = (secret: string, webhook: ReceivedWebhook) =>
  new Webhook(secret).verify(webhook.body, {
    'webhook-id': String(webhook.headers['webhook-id']),
    'webhook-timestamp': String(webhook.headers['webhook-timestamp']),
    'webhook-signature': String(webhook.headers['webhook-signature']),
  });

describe('custom headers and receiver auth', () => {
  it('sends custom headers (secret ones too) and basic auth; the signature still verifies', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      headers: [
        { name: 'X-Tenant-Ref', value: 'acme-42' },
        { name: 'X-Api-Key', value: HEADER_SECRET, secret: true },
      ],
      receiverAuth: { type: 'basic', username: 'rowhook', password: PASSWORD },
    });
    expect(created.status).toBe(201);
    const webhook = await sendTest(harness, receiver, apiKey, created.json.id);
    expect(webhook.headers['x-tenant-ref']).toBe('acme-42');
    expect(webhook.headers['x-api-key']).toBe(HEADER_SECRET);
    expect(webhook.headers.authorization).toBe(
      `Basic ${Buffer.from(`rowhook:${PASSWORD}`).toString('base64')}`,
    );
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(verify(created.json.secret, webhook)).toMatchObject({ type: 'webhook.test' });
  });

  it('sends a bearer token, and a change of token reaches the next delivery', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      receiverAuth: { type: 'bearer', token: TOKEN },
    });
    expect(created.status).toBe(201);
    const first = await sendTest(harness, receiver, apiKey, created.json.id);
    expect(first.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(verify(created.json.secret, first)).toBeTruthy();

    const changed = await harness.api.call('PATCH', `/v1/endpoints/${created.json.id}`, apiKey, {
      receiverAuth: { type: 'bearer', token: `${TOKEN}-2` },
    });
    expect(changed.status).toBe(200);
    const second = await sendTest(harness, receiver, apiKey, created.json.id);
    expect(second.headers.authorization).toBe(`Bearer ${TOKEN}-2`);
  });

  it('masks secrets in every answer, keeps a secret left out of a change, and stores them sealed', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      headers: [{ name: 'X-Api-Key', value: HEADER_SECRET, secret: true }],
      receiverAuth: { type: 'basic', username: 'rowhook', password: PASSWORD },
      timeoutMs: 2000,
      retrySchedule: '1s, 1m',
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.headers).toEqual([{ name: 'X-Api-Key', value: '********', secret: true }]);
    expect(created.json.receiverAuth).toEqual({ type: 'basic', username: 'rowhook', password: '********' });
    expect(created.json.timeoutMs).toBe(2000);
    expect(created.json.retrySchedule).toBe('1s,1m');

    // A change that re-sends the secret header without its value keeps the stored value.
    const changed = await harness.api.call('PATCH', `/v1/endpoints/${id}`, apiKey, {
      headers: [
        { name: 'X-Api-Key', secret: true },
        { name: 'X-Plain', value: 'p' },
      ],
    });
    expect(changed.status).toBe(200);
    const webhook = await sendTest(harness, receiver, apiKey, id);
    expect(webhook.headers['x-api-key']).toBe(HEADER_SECRET);
    expect(webhook.headers['x-plain']).toBe('p');
    expect(webhook.headers.authorization).toBe(
      `Basic ${Buffer.from(`rowhook:${PASSWORD}`).toString('base64')}`,
    );

    const answers = [
      created.json,
      changed.json,
      (await harness.api.call('GET', `/v1/endpoints/${id}`, apiKey)).json,
      (await harness.api.call('GET', '/v1/endpoints?limit=250', apiKey)).json,
    ].map((answer) => JSON.stringify(answer));
    for (const answer of answers) {
      expect(answer).not.toContain(HEADER_SECRET);
      expect(answer).not.toContain(PASSWORD);
    }

    // At rest: not in the endpoint row, sealed under the key with the endpoint id bound to it.
    const rows = await harness.database.db.query<{ options: string; ciphertext: Buffer }>(
      `select e.receiver_options::text as options, s.ciphertext
         from rowhook.endpoints e join rowhook.endpoint_receiver_secrets s on s.endpoint_id = e.id
        where e.id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row?.options).not.toContain(HEADER_SECRET);
    expect(row?.ciphertext.toString('latin1')).not.toContain(PASSWORD);
    const opened = JSON.parse(
      new SecretCipher(Buffer.from(TEST_SECRET_KEY, 'base64')).open(row?.ciphertext as Buffer, id),
    );
    expect(opened).toEqual({ headers: { 'X-Api-Key': HEADER_SECRET }, password: PASSWORD });

    // Removing the auth forgets its password.
    await harness.api.call('PATCH', `/v1/endpoints/${id}`, apiKey, { receiverAuth: null, headers: null });
    const [left] = await harness.database.db.query<{ n: string }>(
      'select count(*)::text as n from rowhook.endpoint_receiver_secrets where endpoint_id = $1',
      [id],
    );
    expect(left?.n).toBe('0');
  });

  it('never writes a receiver secret to the runtime log or the delivery log', async () => {
    const log = harness.logs.join('\n');
    for (const secret of [HEADER_SECRET, PASSWORD, TOKEN]) expect(log).not.toContain(secret);
    // The tenant-visible attempt log of every delivery made above (there are some: proof it was read).
    // Attempts are written in batches after the receiver has answered: wait for the four to land.
    const readAttempts = () =>
      harness.database.db.query<{ row: string }>(
        'select row_to_json(a)::text as row from rowhook.attempts a',
      );
    await expect.poll(async () => (await readAttempts()).length).toBeGreaterThanOrEqual(4);
    const attempts = await readAttempts();
    const text = attempts.map((a) => a.row).join('\n');
    for (const secret of [HEADER_SECRET, PASSWORD, TOKEN]) expect(text).not.toContain(secret);
  });
});

describe('per-endpoint timeout', () => {
  it('cuts an attempt at the endpoint timeout, below the runtime delivery timeout (5 s here)', async () => {
    const slow = await new TestReceiver().start();
    const pending: (() => void)[] = [];
    slow.respondWith((_webhook, _i, res) => pending.push(() => res.writeHead(200).end()));
    try {
      const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
        url: slow.url,
        timeoutMs: 1000,
        retrySchedule: '10m',
      });
      expect(created.status).toBe(201);
      expect((await harness.api.call('POST', `/v1/endpoints/${created.json.id}/test`, apiKey)).status).toBe(
        202,
      );
      const attempts = async () =>
        (await harness.api.call('GET', `/v1/endpoints/${created.json.id}/deliveries`, apiKey)).json.items as {
          errorClass: string | null;
          latencyMs: number;
        }[];
      await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBe(1);
      const [attempt] = await attempts();
      expect(attempt?.errorClass).toBe('timeout');
      expect(attempt?.latencyMs).toBeGreaterThanOrEqual(900);
      expect(attempt?.latencyMs).toBeLessThan(3_000);
    } finally {
      for (const answer of pending) answer();
      await slow.stop();
    }
  });
});

describe('tenancy', () => {
  it("another tenant can neither read nor change an endpoint's receiver options", async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url: receiver.url,
      receiverAuth: { type: 'bearer', token: TOKEN },
    });
    const other = (await harness.api.createTenant('receivers-other')).apiKey;
    const path = `/v1/endpoints/${created.json.id}`;
    expect((await harness.api.call('GET', path, other)).status).toBe(404);
    const change = await harness.api.call('PATCH', path, other, {
      receiverAuth: { type: 'bearer', token: 'stolen' },
    });
    expect(change.status).toBe(404);
    const webhook = await sendTest(harness, receiver, apiKey, created.json.id);
    expect(webhook.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
