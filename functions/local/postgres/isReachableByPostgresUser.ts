import { stat } from 'node:fs/promises';
import path from 'node:path';

const isRoot = process.getuid?.() === 0;

/**
 * Whether a non-root `postgres` user can walk down to `directory` (root's 0700 home: no). Reads
 * only the "others may search" bit of each folder on the way: a quick answer for choosing folders;
 * whether the binaries really run is asked of the system itself (canRunPostgresBinaries).
 */
export async function isReachableByPostgresUser(directory: string): Promise<boolean> {
  if (!isRoot) return true;
  let current = path.resolve(directory);
  for (;;) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
