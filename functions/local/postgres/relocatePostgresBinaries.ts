import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
} from 'node:fs/promises';
import path from 'node:path';
import { POSTGRES } from './constants.ts';
import { PostgresSetupError } from './errors.ts';

/**
 * A copy of the PostgreSQL install `source` inside `parent`, for a `postgres` user that cannot
 * reach `source`. Made once per checkout and package version (the folder name holds both) and
 * reused after; files are hard links where the file system allows, else copies. The copy is
 * built under a temporary name and renamed into place, so a killed run or a concurrent start never
 * leaves a half-made folder under the final name. Everything in it is readable and runnable by
 * all users and writable only by its owner (whoever runs Rowhook: root).
 */
export async function relocatePostgresBinaries(source: string, parent: string): Promise<string> {
  const name = `${POSTGRES.binariesFolderPrefix}${await versionOf(source)}-${await checkoutHash(source)}`;
  const target = path.join(parent, name);
  if (await usableCopy(target)) return target;
  await removeAbandonedCopies(parent, name);
  const partial = await mkdtemp(path.join(parent, `${name}.partial-`));
  try {
    await copyTree(source, partial, source);
    await chmod(partial, 0o755);
    await rename(partial, target);
    return target;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another start got there first: its copy is as good as ours.
    if (isCode(error, 'EEXIST', 'ENOTEMPTY') && (await usableCopy(target))) return target;
    throw error;
  }
}

/** `version` of the package around `source` (its native/ folder); "unknown" outside one. */
async function versionOf(source: string): Promise<string> {
  const text = await readFile(path.join(source, '..', 'package.json'), 'utf8').catch(() => '{}');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version.replace(/[^\w.-]/g, '_') : 'unknown';
}

async function checkoutHash(source: string): Promise<string> {
  return createHash('sha256')
    .update(await realpath(source))
    .digest('hex')
    .slice(0, 12);
}

/**
 * Whether `target` is a copy this user made: a real folder (not a symlink) it owns that nobody
 * else may write to. In a world-writable temp dir anyone can create that name first, and the
 * server would run whatever is inside.
 */
async function usableCopy(target: string): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory() || info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) {
    throw new PostgresSetupError(
      `${target} is in the way of the PostgreSQL binaries copy: it is not a folder owned by this user ` +
        'that only it may write to. Remove it and start again.',
    );
  }
  return true;
}

async function removeAbandonedCopies(parent: string, name: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.startsWith(`${name}.partial-`))) {
    const folder = path.join(parent, entry);
    const info = await lstat(folder).catch(() => undefined);
    if (info && info.uid === process.getuid?.() && Date.now() - info.mtimeMs > POSTGRES.abandonedCopyMs)
      await rm(folder, { recursive: true, force: true });
  }
}

async function copyTree(from: string, to: string, root: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target);
      await chmod(target, 0o755);
      await copyTree(source, target, root);
    } else if (entry.isSymbolicLink()) {
      await symlink(await copiedLink(source, root), target);
    } else if (entry.isFile()) {
      await copyFileOrLink(source, target, await lstat(source));
    }
  }
}

/**
 * The symlinks between libraries are relative, and stay so; an absolute one into the tree is made
 * relative, or the copy would lead back into the folder the `postgres` user cannot enter.
 */
async function copiedLink(link: string, root: string): Promise<string> {
  const destination = await readlink(link);
  const inside = path.isAbsolute(destination) && !path.relative(root, destination).startsWith('..');
  return inside ? path.relative(path.dirname(link), destination) : destination;
}

async function copyFileOrLink(source: string, target: string, info: Stats): Promise<void> {
  const mode = (info.mode & 0o111) !== 0 ? 0o755 : 0o644;
  // A hard link shares the file's mode: only take it when that mode is already right.
  if ((info.mode & 0o777) === mode) {
    try {
      await link(source, target);
      return;
    } catch (error) {
      if (!isCode(error, 'EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP')) throw error;
    }
  }
  await copyFile(source, target);
  await chmod(target, mode);
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}
