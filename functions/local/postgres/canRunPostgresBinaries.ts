import { execFile } from 'node:child_process';
import path from 'node:path';
import type { PostgresUser } from './postgresUser.ts';

/**
 * Whether `user` can run the server and initdb from `folder`: asked of the system itself (folder
 * permissions on the way, file modes, ACLs, the shared libraries they load), not guessed from modes.
 */
export async function canRunPostgresBinaries(folder: string, user: PostgresUser): Promise<boolean> {
  const runs = (program: string) =>
    new Promise<boolean>((resolve) => {
      execFile(path.join(folder, 'bin', program), ['--version'], { ...user, timeout: 10_000 }, (error) =>
        resolve(!error),
      );
    });
  const [postgres, initdb] = await Promise.all([runs('postgres'), runs('initdb')]);
  return postgres && initdb;
}
