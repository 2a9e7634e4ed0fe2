import { canRunPostgresBinaries } from './canRunPostgresBinaries.ts';
import { POSTGRES } from './constants.ts';
import { PostgresSetupError } from './errors.ts';
import { isReachableByPostgresUser } from './isReachableByPostgresUser.ts';
import type { PostgresUser } from './postgresUser.ts';
import { relocatePostgresBinaries } from './relocatePostgresBinaries.ts';
import { scratchFolders } from './scratchFolders.ts';

export interface PostgresBinaries {
  /** The install folder (bin/, lib/, share/) the server runs from. */
  folder: string;
  /** Set when `folder` is a copy: the folder the `postgres` user could not run them from. */
  copiedFrom: string | undefined;
}

/**
 * Where the server runs from. In place, unless it runs as the `postgres` user (Rowhook runs as
 * root) and that user cannot run the binaries where npm put them, as in a checkout inside root's
 * 0700 home: then from a copy in the first scratch folder it can reach.
 */
export async function locatePostgresBinaries(
  source: string,
  user: PostgresUser | undefined,
  candidates: string[] = scratchFolders(),
): Promise<PostgresBinaries> {
  if (!user || (await canRunPostgresBinaries(source, user))) return { folder: source, copiedFrom: undefined };
  const problems: string[] = [];
  for (const parent of candidates) {
    if (!(await isReachableByPostgresUser(parent))) {
      problems.push(`${parent}: the ${POSTGRES.user} user cannot enter it`);
      continue;
    }
    try {
      const folder = await relocatePostgresBinaries(source, parent);
      if (await canRunPostgresBinaries(folder, user)) return { folder, copiedFrom: source };
      problems.push(`${parent}: copied to ${folder}, but the ${POSTGRES.user} user cannot run them there`);
    } catch (error) {
      problems.push(`${parent}: ${(error as Error).message}`);
    }
  }
  throw new PostgresSetupError(
    `PostgreSQL runs as the ${POSTGRES.user} user, which cannot run the binaries in ${source} ` +
      '(a folder on the way is private, e.g. a home folder with mode 700), and they could not be copied ' +
      `anywhere it can reach: ${problems.join('; ')}. Set TMPDIR to a folder root can write to and ` +
      'every user can enter, move the checkout out of the private folder, or set DATABASE_URL.',
  );
}
