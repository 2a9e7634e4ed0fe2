import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './Database.ts';
import { MigrationError, toStoreError } from './errors.ts';

// Arbitrary but fixed: every Rowhook process migrating the same database serializes on it.
const MIGRATION_LOCK_KEY = 7262010;
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = FILE_PATTERN.exec(name);
    if (!match?.[1])
      throw new MigrationError(`Migration file name "${name}" must look like 0001_some_name.sql`);
    const version = Number(match[1]);
    if (files.some((f) => f.version === version))
      throw new MigrationError(`Two migrations share version ${version}`);
    const sql = await readFile(path.join(directory, name), 'utf8');
    files.push({ version, name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Applies the migrations not yet recorded in `<table>`, in order, each in its own transaction,
 * while holding a session advisory lock so concurrent starters never apply one twice.
 * Returns the names applied.
 */
export async function applyMigrations(
  db: Database,
  directory: string,
  table = 'rowhook.schema_migrations',
): Promise<string[]> {
  const migrations = await loadMigrations(directory);
  const client = await db.pool.connect().catch((error: unknown) => {
    throw toStoreError(error, 'connecting to apply migrations');
  });
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const schema = table.includes('.') ? table.split('.')[0] : 'public';
    await client.query(`create schema if not exists ${schema}`);
    await client.query(
      `create table if not exists ${table} (version integer primary key, name text not null,
         checksum text not null, applied_at timestamptz not null default now())`,
    );
    const done = new Map(
      (
        await client.query<{ version: number; checksum: string }>(`select version, checksum from ${table}`)
      ).rows.map((r) => [r.version, r.checksum]),
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
        await client.query(`insert into ${table} (version, name, checksum) values ($1, $2, $3)`, [
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
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
  return applied;
}
