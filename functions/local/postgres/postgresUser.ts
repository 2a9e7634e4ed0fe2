import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { POSTGRES } from './constants.ts';
import { PostgresSetupError } from './errors.ts';

const run = promisify(execFile);

export interface PostgresUser {
  uid: number;
  gid: number;
}

/**
 * As root, the `postgres` user the server runs as (PostgreSQL refuses root), created when missing;
 * otherwise undefined: the server runs as whoever runs Rowhook.
 */
export async function ensurePostgresUser(): Promise<PostgresUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookUp();
  if (existing) return existing;
  try {
    // -f: a `postgres` group without the user (left by a package) is fine.
    await run('groupadd', ['-f', POSTGRES.user]);
    await run('useradd', ['-g', POSTGRES.user, POSTGRES.user]);
  } catch (error) {
    throw new PostgresSetupError(
      `PostgreSQL cannot run as root and there is no "${POSTGRES.user}" user, which Rowhook could not create ` +
        `(${(error as Error).message.trim()}). Create it (useradd ${POSTGRES.user}) or run Rowhook as another user.`,
      { cause: error },
    );
  }
  const created = await lookUp();
  if (!created) throw new PostgresSetupError(`useradd ${POSTGRES.user} succeeded but the user is not there`);
  return created;
}

async function lookUp(): Promise<PostgresUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', POSTGRES.user]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      run('id', ['-g', POSTGRES.user]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}
