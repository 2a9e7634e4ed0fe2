import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgSecretStore } from '../../../functions/adapters/pg/PgSecretStore.ts';
import { EncryptionKeyMismatchError } from '../../../functions/core/crypto/errors.ts';
import { SecretCipher } from '../../../functions/core/crypto/SecretCipher.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

const KEY = new SecretCipher(Buffer.alloc(32, 0x31));
const NEW_KEY = new SecretCipher(Buffer.alloc(32, 0x52));
const SECRETS = { headers: { 'X-Key': 'hv-1' }, clientSecret: 'cs-1', privateKey: 'pem-1' };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('receiver secrets at rest', () => {
  it('are sealed, refused under another key, and re-sealed when the old key is given as previous', async () => {
    await new PgSecretStore(database.db, { cipher: KEY }).putReceiverSecrets('ep_r1', SECRETS);
    const [row] = await database.db.query<{ ciphertext: Buffer; key_id: string }>(
      "select ciphertext, key_id from rowhook.endpoint_receiver_secrets where endpoint_id = 'ep_r1'",
    );
    expect(row?.key_id).toBe(KEY.keyId);
    expect(row?.ciphertext.toString('latin1')).not.toContain('cs-1');

    // Start-up with another key names the problem instead of failing deliveries later.
    await expect(new PgSecretStore(database.db, { cipher: NEW_KEY }).sealAtRest()).rejects.toThrow(
      EncryptionKeyMismatchError,
    );

    const rotated = new PgSecretStore(database.db, { cipher: NEW_KEY, previousCipher: KEY });
    expect((await rotated.sealAtRest()).resealed).toBe(1);
    const [after] = await database.db.query<{ key_id: string }>(
      "select key_id from rowhook.endpoint_receiver_secrets where endpoint_id = 'ep_r1'",
    );
    expect(after?.key_id).toBe(NEW_KEY.keyId);
    expect(await new PgSecretStore(database.db, { cipher: NEW_KEY }).receiverSecrets('ep_r1')).toEqual(
      SECRETS,
    );
  });
});
