import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSecretStore } from '../../../functions/adapters/pg/PgSecretStore.ts';
import { EncryptionKeyMismatchError, SecretDecryptionError } from '../../../functions/core/crypto/errors.ts';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';
import { createLocalRuntime, type LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { loadConfig } from '../../../functions/local/loadConfig.ts';
import { spawnRuntime } from '../../support/spawnRuntime.ts';
import { apiClient, TEST_ADMIN_TOKEN } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

const KEY = Buffer.alloc(32, 0x21);
const OTHER_KEY = Buffer.alloc(32, 0x42);
const b64 = (key: Buffer) => key.toString('base64');

let database: TestDatabase;
let runtime: LocalRuntime;
let api: ReturnType<typeof apiClient>;
let receiver: TestReceiver;
let apiKey: string;
/** Everything every runtime of this file logged: checked for secrets and keys at the end. */
const logged: Record<string, unknown>[] = [];
const allSecrets: string[] = [];

function start(env: Record<string, string>) {
  const config = loadConfig({
    ROWHOOK_PORT: '0',
    ROWHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    ROWHOOK_NUDGE_INTERVAL: '0ms',
    ROWHOOK_POLL_INTERVAL: '50ms',
    ROWHOOK_RETRY_SCHEDULE: '100ms',
    ...env,
  });
  return createLocalRuntime({ ...config, databaseUrl: database.url, adminToken: TEST_ADMIN_TOKEN }, (entry) =>
    logged.push(entry),
  );
}

async function createEndpoint() {
  const created = await api.createEndpoint(apiKey, { url: receiver.url });
  allSecrets.push(created.secret);
  return created;
}

async function storedRows(endpointId: string) {
  return database.db.query<{ json: string; secret: string | null; ciphertext: Buffer; key_id: string }>(
    `select row_to_json(s)::text as json, secret, ciphertext, key_id
       from rowhook.endpoint_secrets s where endpoint_id = $1 order by created_at`,
    [endpointId],
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await start({ ROWHOOK_SECRET_KEY: b64(KEY) });
  api = apiClient(runtime.apiUrl);
  apiKey = (await api.createTenant('vault')).apiKey;
  receiver = await new TestReceiver().start();
});

afterAll(async () => {
  await runtime?.stop();
  await receiver?.stop();
  await database?.drop();
});

describe('signing secrets at rest', () => {
  it('stores only ciphertext: neither the secret nor the base64 of its key appears in the row', async () => {
    const { id, secret } = await createEndpoint();
    const [row, ...more] = await storedRows(id);
    expect(more).toHaveLength(0);
    if (!row) throw new Error('no stored secret');
    const keyBase64 = secret.slice('whsec_'.length);
    const keyBytes = Buffer.from(keyBase64, 'base64');
    expect(row.secret).toBeNull();
    expect(row.key_id).toBe(new SecretCipher(KEY).keyId);
    // Every rendering of the row a dump or a query might show: JSON (bytea as \x hex), raw bytes.
    expect(row.json).not.toContain(keyBase64);
    expect(row.json).not.toContain(keyBytes.toString('hex'));
    expect(row.ciphertext.includes(keyBytes)).toBe(false);
    expect(row.ciphertext.toString('latin1')).not.toContain(keyBase64);
    // The bytes are there, just sealed: the key decrypts them for this endpoint.
    expect(new SecretCipher(KEY).open(row.ciphertext, id)).toBe(secret);
  });

  it('decrypts on the way out: the API returns the secret and deliveries verify with it', async () => {
    const { id, secret } = await createEndpoint();
    const shown = await api.call('GET', `/v1/endpoints/${id}/secret`, apiKey);
    expect(shown.json).toMatchObject({ secret });

    const before = receiver.received.length;
    expect((await api.call('POST', `/v1/endpoints/${id}/test`, apiKey)).status).toBe(202);
    await receiver.waitForCount(before + 1);
    const webhook = receiver.received[before];
    if (!webhook) throw new Error('no webhook');
    const headers = webhook.headers as Record<string, string>;
    expect(new Webhook(secret).verify(webhook.body, headers)).toMatchObject({ type: 'webhook.test' });
    const rotated = await api.call('POST', `/v1/endpoints/${id}/rotate-secret`, apiKey);
    allSecrets.push(rotated.json.secret);
    expect((await storedRows(id)).map((r) => r.secret)).toEqual([null, null]);
  });

  it('leaves out a tampered ciphertext and one moved from another endpoint, and says why', async () => {
    const victim = await createEndpoint();
    const donor = await createEndpoint();
    const tampered = await createEndpoint();
    const [donorRow] = await storedRows(donor.id);
    const [tamperedRow] = await storedRows(tampered.id);
    if (!donorRow || !tamperedRow) throw new Error('no stored secret');
    // A perfectly valid ciphertext under the key, but sealed for the donor endpoint.
    await database.db.query('update rowhook.endpoint_secrets set ciphertext = $2 where endpoint_id = $1', [
      victim.id,
      donorRow.ciphertext,
    ]);
    const flipped = Buffer.from(tamperedRow.ciphertext);
    flipped[20] = (flipped[20] ?? 0) ^ 0x01;
    await database.db.query('update rowhook.endpoint_secrets set ciphertext = $2 where endpoint_id = $1', [
      tampered.id,
      flipped,
    ]);

    const unreadable: [string, unknown][] = [];
    const store = new PgSecretStore(database.db, {
      cipher: new SecretCipher(KEY),
      onUnreadable: (endpointId, error) => unreadable.push([endpointId, error]),
    });
    const active = await store.activeSecrets([victim.id, donor.id, tampered.id]);
    expect([...active.entries()]).toEqual([[donor.id, [donor.secret]]]);
    expect(unreadable.map(([id]) => id).sort()).toEqual([victim.id, tampered.id].sort());
    for (const [, error] of unreadable) expect(error).toBeInstanceOf(SecretDecryptionError);

    // Through the running runtime: no secret to show, the problem logged with the endpoint id.
    const shown = await api.call('GET', `/v1/endpoints/${victim.id}/secret`, apiKey);
    expect(shown).toEqual({ status: 200, json: { secret: null } });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        endpointId: victim.id,
        msg: expect.stringMatching(/altered, belongs to another endpoint/),
      }),
    );
    // Damaged rows would (rightly) stop the key rotation below from starting.
    for (const { id } of [victim, tampered]) {
      expect((await api.call('DELETE', `/v1/endpoints/${id}`, apiKey)).status).toBe(204);
    }
  });

  it('seals plaintext rows left from before encryption at rest when it starts', async () => {
    const { id, secret } = await createEndpoint();
    // What a row written before migration 0008's runtime change looks like.
    await database.db.query(
      'update rowhook.endpoint_secrets set secret = $2, ciphertext = null, key_id = null where endpoint_id = $1',
      [id, secret],
    );
    const second = await start({ ROWHOOK_SECRET_KEY: b64(KEY) });
    await second.stop();
    const [row] = await storedRows(id);
    expect(row?.secret).toBeNull();
    expect(row && new SecretCipher(KEY).open(row.ciphertext, id)).toBe(secret);
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'encrypted stored signing secrets', sealed: 1 }),
    );
  });

  it('refuses to start with another key, naming the key ids but neither key', async () => {
    const error = await start({ ROWHOOK_SECRET_KEY: b64(OTHER_KEY) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncryptionKeyMismatchError);
    const message = (error as Error).message;
    expect(message).toContain(`encrypted with key ${new SecretCipher(KEY).keyId}`);
    expect(message).toContain(`the configured secret key is ${new SecretCipher(OTHER_KEY).keyId}`);
    expect(message).toContain('ROWHOOK_SECRET_KEY_PREVIOUS');
    for (const key of [KEY, OTHER_KEY]) expect(message).not.toContain(b64(key));
  });

  it('npm start with the wrong key exits with that message, not a stack trace', async () => {
    const failure = await spawnRuntime(database.url, { ROWHOOK_SECRET_KEY: b64(OTHER_KEY) }).then(
      () => {
        throw new Error('the runtime started with the wrong key');
      },
      (e: Error) => e.message,
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toMatch(/rowhook: \d+ stored signing secret\(s\) were encrypted with key [0-9a-f]{16}/);
    expect(failure).not.toMatch(/\n\s+at /);
    expect(failure).not.toContain(b64(OTHER_KEY));
  });

  it('re-seals under a new key when the old one is given as ROWHOOK_SECRET_KEY_PREVIOUS', async () => {
    await runtime.stop();
    runtime = await start({ ROWHOOK_SECRET_KEY: b64(OTHER_KEY), ROWHOOK_SECRET_KEY_PREVIOUS: b64(KEY) });
    api = apiClient(runtime.apiUrl);
    const keyIds = await database.db.query<{ key_id: string }>(
      'select distinct key_id from rowhook.endpoint_secrets',
    );
    expect(keyIds).toEqual([{ key_id: new SecretCipher(OTHER_KEY).keyId }]);
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'encrypted stored signing secrets', resealed: expect.any(Number) }),
    );
    const { id, secret } = (await api.call('GET', '/v1/endpoints?limit=1', apiKey)).json.items[0];
    expect(secret).toBeUndefined();
    expect((await api.call('GET', `/v1/endpoints/${id}/secret`, apiKey)).json.secret).toBe(allSecrets[0]);
    // The old key alone no longer starts: the rows are under the new one now.
    await expect(start({ ROWHOOK_SECRET_KEY: b64(KEY) })).rejects.toThrow(EncryptionKeyMismatchError);
  });

  it('never logged a secret or a key', () => {
    expect(logged.length).toBeGreaterThan(0);
    const text = JSON.stringify(logged);
    for (const secret of allSecrets) {
      expect(text).not.toContain(secret.slice('whsec_'.length));
    }
    for (const key of [KEY, OTHER_KEY]) {
      expect(text).not.toContain(b64(key));
      expect(text).not.toContain(key.toString('hex'));
    }
  });
});
