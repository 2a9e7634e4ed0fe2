import { EncryptionKeyMismatchError, SecretDecryptionError } from '../../core/crypto/errors.ts';
import type { SecretCipher } from '../../core/crypto/SecretCipher.ts';
import type { ReceiverSecrets } from '../../core/receivers/ReceiverOptions.ts';
import type { SecretStore } from '../../ports/SecretStore.ts';
import type { Database } from './Database.ts';

export interface PgSecretStoreOptions {
  /** Seals every secret written and opens every secret read (ROWHOOK_SECRET_KEY or the key file). */
  cipher: SecretCipher;
  /** The key before a key rotation: rows still sealed under it are re-sealed by `sealAtRest`. */
  previousCipher?: SecretCipher;
  /**
   * Told about a stored secret that does not open (altered, moved from another endpoint). The
   * secret is left out rather than failing every delivery of the batch it was read for; an endpoint
   * left with no secret dead-letters with "no signing secret". Never given the secret or the key.
   */
  onUnreadable?: (endpointId: string, error: SecretDecryptionError) => void;
}

export interface SealAtRestResult {
  /** Rows that were still plaintext (written before encryption at rest existed). */
  sealed: number;
  /** Rows sealed under the previous key, now under the current one. */
  resealed: number;
}

// Rows per transaction while sealing at start-up: bounded locks, bounded memory.
const SEAL_BATCH = 500;

export class PgSecretStore implements SecretStore {
  private readonly cipher: SecretCipher;
  private readonly previousCipher: SecretCipher | undefined;
  private readonly onUnreadable: NonNullable<PgSecretStoreOptions['onUnreadable']>;

  constructor(
    private readonly db: Database,
    options: PgSecretStoreOptions,
  ) {
    this.cipher = options.cipher;
    this.previousCipher = options.previousCipher;
    this.onUnreadable = options.onUnreadable ?? (() => {});
  }

  async create(endpointId: string, secret: string) {
    await this.db.query(
      'insert into rowhook.endpoint_secrets (endpoint_id, ciphertext, key_id) values ($1, $2, $3)',
      [endpointId, this.cipher.seal(secret, endpointId), this.cipher.keyId],
    );
  }

  async rotate(endpointId: string, secret: string, overlapMs: number) {
    await this.db.transaction(async () => {
      await this.db.query(
        `update rowhook.endpoint_secrets set expires_at = now() + $2 * interval '1 millisecond'
          where endpoint_id = $1 and (expires_at is null or expires_at > now() + $2 * interval '1 millisecond')`,
        [endpointId, overlapMs],
      );
      // clock_timestamp: a rotation in the same transaction as the creation still gets a later key.
      await this.db.query(
        `insert into rowhook.endpoint_secrets (endpoint_id, ciphertext, key_id, created_at)
         values ($1, $2, $3, clock_timestamp())`,
        [endpointId, this.cipher.seal(secret, endpointId), this.cipher.keyId],
      );
    });
  }

  async activeSecrets(endpointIds: readonly string[]) {
    const result = new Map<string, string[]>();
    if (endpointIds.length === 0) return result;
    const rows = await this.db.query<{ endpoint_id: string; ciphertext: Buffer | null }>(
      `select endpoint_id, ciphertext from rowhook.endpoint_secrets
        where endpoint_id = any($1::text[]) and (expires_at is null or expires_at > now())
        order by endpoint_id, created_at desc`,
      [endpointIds],
    );
    for (const row of rows) {
      let secret: string;
      try {
        // A plaintext row only exists between the migration and `sealAtRest`, which runs before
        // anything reads; treat one found later as unreadable rather than trust it.
        if (row.ciphertext === null) throw new SecretDecryptionError('the stored secret is not sealed');
        secret = this.cipher.open(row.ciphertext, row.endpoint_id);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        this.onUnreadable(row.endpoint_id, error);
        continue;
      }
      const list = result.get(row.endpoint_id) ?? [];
      list.push(secret);
      result.set(row.endpoint_id, list);
    }
    return result;
  }

  /** Endpoint deletion cascades to its secrets already; this covers a secret left behind anyway. */
  async delete(endpointId: string) {
    await this.db.query('delete from rowhook.endpoint_secrets where endpoint_id = $1', [endpointId]);
    await this.db.query('delete from rowhook.endpoint_receiver_secrets where endpoint_id = $1', [endpointId]);
  }

  async putReceiverSecrets(endpointId: string, secrets: ReceiverSecrets | null) {
    if (secrets === null) {
      await this.db.query('delete from rowhook.endpoint_receiver_secrets where endpoint_id = $1', [
        endpointId,
      ]);
      return;
    }
    await this.db.query(
      `insert into rowhook.endpoint_receiver_secrets (endpoint_id, ciphertext, key_id) values ($1, $2, $3)
       on conflict (endpoint_id) do update
         set ciphertext = excluded.ciphertext, key_id = excluded.key_id, updated_at = now()`,
      [endpointId, this.cipher.seal(JSON.stringify(secrets), endpointId), this.cipher.keyId],
    );
  }

  async receiverSecrets(endpointId: string): Promise<ReceiverSecrets | undefined> {
    const [row] = await this.db.query<{ ciphertext: Buffer; key_id: string }>(
      'select ciphertext, key_id from rowhook.endpoint_receiver_secrets where endpoint_id = $1',
      [endpointId],
    );
    if (!row) return undefined;
    // Under the previous key until sealAtRest re-seals it (it runs before anything reads).
    const cipher = row.key_id === this.cipher.keyId ? this.cipher : (this.previousCipher ?? this.cipher);
    return JSON.parse(cipher.open(row.ciphertext, endpointId)) as ReceiverSecrets;
  }

  /**
   * Discarded on purpose: only EventBridge API destinations send connection auth, and the local
   * runtime has none (it delivers every endpoint pooled), so keeping the secret would only be a
   * liability. The non-secret part stays on the endpoint row.
   */
  async putAuthSecret(_endpointId: string, _secret: string) {}

  async authSecret(_endpointId: string): Promise<string | undefined> {
    return undefined;
  }

  /**
   * Run at start-up, before anything reads: refuses a key that is not the one the stored secrets
   * were sealed with (a clear error now instead of failed deliveries later), then seals plaintext
   * rows left from before encryption at rest and re-seals rows still under the previous key.
   * Safe to run from several processes at once (rows are claimed with SKIP LOCKED).
   */
  async sealAtRest(): Promise<SealAtRestResult> {
    const current = this.cipher.keyId;
    const previous = this.previousCipher?.keyId;
    const keyIds = await this.db.query<{ key_id: string; n: string }>(
      `select key_id, count(*)::text as n from (
         select key_id from rowhook.endpoint_secrets where ciphertext is not null and key_id <> $1
         union all
         select key_id from rowhook.endpoint_receiver_secrets where key_id <> $1) sealed
        group by key_id`,
      [current],
    );
    const foreign = keyIds.filter((row) => row.key_id !== previous);
    if (foreign.length > 0) {
      const count = foreign.reduce((sum, row) => sum + Number(row.n), 0);
      throw new EncryptionKeyMismatchError(
        `${count} stored signing secret(s) were encrypted with key ${foreign.map((r) => r.key_id).join(', ')}, ` +
          `but the configured secret key is ${current}${previous ? ` (previous key ${previous})` : ''}. ` +
          'Start with the key they were encrypted with (ROWHOOK_SECRET_KEY or the key file); to change keys, ' +
          'set the old one as ROWHOOK_SECRET_KEY_PREVIOUS and the new one as ROWHOOK_SECRET_KEY for one start.',
      );
    }
    const result: SealAtRestResult = { sealed: 0, resealed: 0 };
    for (;;) {
      const batch = await this.sealBatch();
      result.sealed += batch.sealed;
      result.resealed += batch.resealed;
      if (batch.sealed + batch.resealed === 0) break;
    }
    result.resealed += await this.resealReceiverSecrets();
    return result;
  }

  /** Receiver secrets still under the previous key, re-sealed under the current one. */
  private async resealReceiverSecrets(): Promise<number> {
    const previous = this.previousCipher;
    if (!previous) return 0;
    return this.db.transaction(async () => {
      const rows = await this.db.query<{ endpoint_id: string; ciphertext: Buffer }>(
        `select endpoint_id, ciphertext from rowhook.endpoint_receiver_secrets
          where key_id <> $1 for update skip locked`,
        [this.cipher.keyId],
      );
      for (const row of rows) {
        const plaintext = previous.open(row.ciphertext, row.endpoint_id);
        await this.db.query(
          'update rowhook.endpoint_receiver_secrets set ciphertext = $2, key_id = $3 where endpoint_id = $1',
          [row.endpoint_id, this.cipher.seal(plaintext, row.endpoint_id), this.cipher.keyId],
        );
      }
      return rows.length;
    });
  }

  private sealBatch(): Promise<SealAtRestResult> {
    return this.db.transaction(async () => {
      const rows = await this.db.query<{
        endpoint_id: string;
        created_at: string;
        secret: string | null;
        ciphertext: Buffer | null;
      }>(
        `select endpoint_id, created_at::text as created_at, secret, ciphertext
           from rowhook.endpoint_secrets
          where ciphertext is null or key_id <> $1
          limit $2 for update skip locked`,
        [this.cipher.keyId, SEAL_BATCH],
      );
      const result: SealAtRestResult = { sealed: 0, resealed: 0 };
      if (rows.length === 0) return result;
      const sealed = rows.map((row) => {
        let plaintext: string;
        if (row.ciphertext === null) {
          plaintext = row.secret ?? '';
          result.sealed++;
        } else {
          try {
            plaintext = (this.previousCipher as SecretCipher).open(row.ciphertext, row.endpoint_id);
          } catch (error) {
            throw new SecretDecryptionError(
              `the signing secret of endpoint ${row.endpoint_id} (created ${row.created_at}) does not open with ` +
                'ROWHOOK_SECRET_KEY_PREVIOUS; it was altered or moved. Delete that row or rotate the secret of the endpoint.',
              { cause: error },
            );
          }
          result.resealed++;
        }
        return this.cipher.seal(plaintext, row.endpoint_id);
      });
      await this.db.query(
        `update rowhook.endpoint_secrets s
            set ciphertext = v.ciphertext, key_id = $4, secret = null
           from unnest($1::text[], $2::timestamptz[], $3::bytea[]) as v(endpoint_id, created_at, ciphertext)
          where s.endpoint_id = v.endpoint_id and s.created_at = v.created_at`,
        [rows.map((r) => r.endpoint_id), rows.map((r) => r.created_at), sealed, this.cipher.keyId],
      );
      return result;
    });
  }
}
