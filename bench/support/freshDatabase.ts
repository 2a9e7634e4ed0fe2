import pg from 'pg';
import { Database } from '../../functions/adapters/pg/Database.ts';
import { prepareDatabase } from '../../functions/local/createLocalRuntime.ts';

export interface BenchDatabase {
  url: string;
  /** Drops it, so its dead rows and autovacuum do not weigh on the next scenario. */
  drop: () => Promise<void>;
}

export type DatabaseFactory = (name: string) => Promise<BenchDatabase>;

async function admin(adminUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database of its own per scenario, migrated as `npm start` would, on the bench's server. */
export function databaseFactory(adminUrl: string): DatabaseFactory {
  return async (name) => {
    await admin(adminUrl, `drop database if exists ${name} with (force)`);
    await admin(adminUrl, `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const db = new Database({ connectionString: url.toString() });
    await prepareDatabase(db, 25);
    await db.close();
    return {
      url: url.toString(),
      drop: () => admin(adminUrl, `drop database if exists ${name} with (force)`),
    };
  };
}
