import type { SecretStore } from '../../ports/SecretStore.ts';
import type { Database } from './Database.ts';

export class PgSecretStore implements SecretStore {
  constructor(private readonly db: Database) {}

  async create(endpointId: string, secret: string) {
    await this.db.query('insert into rowhook.endpoint_secrets (endpoint_id, secret) values ($1, $2)', [
      endpointId,
      secret,
    ]);
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
        'insert into rowhook.endpoint_secrets (endpoint_id, secret, created_at) values ($1, $2, clock_timestamp())',
        [endpointId, secret],
      );
    });
  }

  async activeSecrets(endpointIds: readonly string[]) {
    const result = new Map<string, string[]>();
    if (endpointIds.length === 0) return result;
    const rows = await this.db.query<{ endpoint_id: string; secret: string }>(
      `select endpoint_id, secret from rowhook.endpoint_secrets
        where endpoint_id = any($1::text[]) and (expires_at is null or expires_at > now())
        order by endpoint_id, created_at desc`,
      [endpointIds],
    );
    for (const row of rows) {
      const list = result.get(row.endpoint_id) ?? [];
      list.push(row.secret);
      result.set(row.endpoint_id, list);
    }
    return result;
  }

  /** Endpoint deletion cascades to its secrets already; this covers a secret left behind anyway. */
  async delete(endpointId: string) {
    await this.db.query('delete from rowhook.endpoint_secrets where endpoint_id = $1', [endpointId]);
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
}
