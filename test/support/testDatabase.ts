import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { Database } from '../../functions/adapters/pg/Database.ts';
import { prepareDatabase } from '../../functions/local/createLocalRuntime.ts';

export interface TestDatabase {
  url: string;
  db: Database;
  /** A fresh client for statements a test wants on its own connection (BEGIN/ROLLBACK...). */
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** A new database on the run's server, migrated and with the local aws_lambda shim unless told not to. */
export async function createTestDatabase(
  options: { nudgeIntervalMs?: number; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `rowhook_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new Database({ connectionString: url.toString() });
  if (options.migrate !== false) await prepareDatabase(db, options.nudgeIntervalMs ?? 0);
  const clients: pg.Client[] = [];
  return {
    url: url.toString(),
    db,
    async client() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      clients.push(client);
      return client;
    },
    async drop() {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await db.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
