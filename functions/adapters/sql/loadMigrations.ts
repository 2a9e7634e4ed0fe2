import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS } from './constants.ts';
import { MigrationError } from './errors.ts';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The numbered files of a migrations folder in order, each with the sha256 it is recorded under. */
export async function loadMigrations(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const match = MIGRATIONS.filePattern.exec(name);
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
