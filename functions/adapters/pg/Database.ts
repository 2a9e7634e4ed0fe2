import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { toStoreError } from './errors.ts';

export type SqlParam = string | number | boolean | null | Date | Buffer | readonly unknown[] | undefined;

export interface DatabaseOptions {
  connectionString: string;
  maxConnections?: number;
  applicationName?: string;
  /**
   * false: this pool's commits do not wait for the WAL flush. Only for writes whose loss in a
   * PostgreSQL crash is harmless under at-least-once delivery (a lost claim or settlement means the
   * delivery is sent again with the same webhook-id); never for the API's or the writers' data.
   */
  synchronousCommit?: boolean;
}

/**
 * A pg Pool with an ambient transaction: inside `transaction(fn)`, every `query` made by any
 * adapter runs on the same client. That lets separate ports (outbox, queue) commit together on
 * PostgreSQL without knowing about each other.
 */
export class Database {
  readonly pool: pg.Pool;
  private readonly ambient = new AsyncLocalStorage<pg.PoolClient>();

  constructor(options: DatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      application_name: options.applicationName ?? 'rowhook',
      connectionTimeoutMillis: 10_000,
      ...(options.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
    });
    // An idle client losing its connection (server restart) must not crash the process.
    this.pool.on('error', () => {});
  }

  /**
   * `preparedAs` names the statement so each connection parses and plans it once: worth it for the
   * delivery path's long statements, which otherwise cost more to send and plan than to run.
   */
  async query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params: readonly SqlParam[] = [],
    preparedAs?: string,
  ): Promise<Row[]> {
    const client = this.ambient.getStore();
    try {
      const values = params as unknown[];
      const result = await (client ?? this.pool).query<Row>(
        preparedAs ? { name: preparedAs, text, values } : { text, values },
      );
      return result.rows;
    } catch (error) {
      throw toStoreError(error, `running "${text.trim().split('\n')[0]?.slice(0, 60)}"`);
    }
  }

  get inTransaction(): boolean {
    return this.ambient.getStore() !== undefined;
  }

  /** Runs `work` in one transaction; nested calls join the outer one. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.ambient.getStore()) return work();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw toStoreError(error, 'connecting');
    }
    let broken = false;
    // A checked-out client has no pool listener: without ours, a connection lost mid-transaction
    // (server restart) would be an unhandled 'error' event and end the process.
    const onLost = () => {
      broken = true;
    };
    client.on('error', onLost);
    try {
      await client.query('begin').catch((error) => {
        throw toStoreError(error, 'beginning a transaction');
      });
      const result = await this.ambient.run(client, work);
      await client.query('commit').catch((error) => {
        throw toStoreError(error, 'committing');
      });
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      // Errors from `work` keep their own type: business errors must not turn into store errors.
      throw error;
    } finally {
      // A broken client is discarded with our listener still on, for any error it has left to emit.
      if (!broken) client.off('error', onLost);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
