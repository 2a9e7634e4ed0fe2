import path from 'node:path';
import { MIGRATIONS } from '../sql/constants.ts';
import { MigrationError } from '../sql/errors.ts';
import { loadMigrations } from '../sql/loadMigrations.ts';
import { MIGRATIONS_SQL } from '../sql/migrationsSql.ts';
import type { Database } from './Database.ts';
import { toStoreError } from './errors.ts';

/**
 * Applies the migrations not yet recorded in `<table>`, in order, each in its own transaction,
 * while holding a session advisory lock so concurrent starters never apply one twice.
 * Returns the names applied.
 */
export async function applyMigrations(
  db: Database,
  directory: string,
  table: string = MIGRATIONS.table,
): Promise<string[]> {
  const migrations = await loadMigrations(directory);
  const client = await db.pool.connect().catch((error: unknown) => {
    throw toStoreError(error, 'connecting to apply migrations');
  });
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATIONS.lockKey]);
    const schema = table.includes('.') ? table.split('.')[0] : 'public';
    await client.query(`create schema if not exists ${schema}`);
    await client.query(MIGRATIONS_SQL.createTable(table));
    const done = new Map(
      (await client.query<{ version: number; checksum: string }>(MIGRATIONS_SQL.applied(table))).rows.map(
        (r) => [r.version, r.checksum],
      ),
    );
    for (const migration of migrations) {
      const appliedChecksum = done.get(migration.version);
      if (appliedChecksum !== undefined) {
        // An edited migration would leave this database different from a fresh one, silently.
        if (appliedChecksum !== migration.checksum) {
          throw new MigrationError(
            `${path.join(directory, migration.name)} changed after it was applied to this database ` +
              `(sha256 ${appliedChecksum.slice(0, 12)}... then, ${migration.checksum.slice(0, 12)}... now). ` +
              'Migrations are never edited once applied: restore it and add the change as a new numbered file.',
          );
        }
        continue;
      }
      try {
        await client.query('begin');
        await client.query(migration.sql);
        await client.query(MIGRATIONS_SQL.record(table, { version: '$1', name: '$2', checksum: '$3' }), [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query('commit');
        applied.push(migration.name);
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATIONS.lockKey]).catch(() => {});
    client.release();
  }
  return applied;
}
