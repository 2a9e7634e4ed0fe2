import { chmod, cp, mkdir, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSetupError } from '../../functions/local/postgres/errors.ts';
import { findPostgresBinaries } from '../../functions/local/postgres/findPostgresBinaries.ts';
import { locatePostgresBinaries } from '../../functions/local/postgres/locatePostgresBinaries.ts';
import { ensurePostgresUser } from '../../functions/local/postgres/postgresUser.ts';
import { startEmbeddedPostgres } from '../../functions/local/startEmbeddedPostgres.ts';

// The binaries where `npm ci` puts them in a checkout inside root's 0700 home: a private folder.
const isRoot = process.getuid?.() === 0;
let privateFolder: string;
let privateBinaries: string;
let dataFolder: string;
const cleanup: string[] = [];

beforeAll(async () => {
  privateFolder = await mkdtemp(path.join(tmpdir(), 'rowhook-private-'));
  await chmod(privateFolder, 0o700);
  const installed = findPostgresBinaries();
  privateBinaries = path.join(privateFolder, 'checkout', 'native');
  await cp(installed, privateBinaries, { recursive: true, verbatimSymlinks: true });
  await cp(path.join(installed, '..', 'package.json'), path.join(privateFolder, 'checkout', 'package.json'));
  dataFolder = await mkdtemp(path.join(tmpdir(), 'rowhook-private-data-'));
  await chmod(dataFolder, 0o755); // the data may live where the server's user reaches; the binaries may not
  cleanup.push(privateFolder, dataFolder);
}, 60_000);

afterAll(async () => {
  await Promise.all(cleanup.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** The program the running server was started from, as the kernel saw it. */
async function serverExecutable(dataDir: string): Promise<string> {
  const pid = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0];
  return readlink(`/proc/${pid}/exe`);
}

describe('embedded PostgreSQL with its binaries in a private folder', () => {
  it('starts, restarts, and takes over from a killed run, from binaries its user can reach', async () => {
    const dataDir = path.join(dataFolder, 'pgdata');
    const first = await startEmbeddedPostgres({ dataDir, binaries: privateBinaries });
    if (first.binaries.copiedFrom) cleanup.push(first.binaries.folder);
    await query(first.adminUrl, 'create table kept (v text); insert into kept values ($$survives$$)');
    if (isRoot) {
      // The `postgres` user cannot get into the private folder: the server runs from a copy.
      expect(first.binaries.copiedFrom).toBe(privateBinaries);
      expect(first.binaries.folder.startsWith(`${privateFolder}/`)).toBe(false);
      expect(await serverExecutable(dataDir)).toBe(path.join(first.binaries.folder, 'bin', 'postgres'));
    } else {
      // The server runs as us, who can: no copy.
      expect(first.binaries).toEqual({ folder: privateBinaries, copiedFrom: undefined });
      expect(await serverExecutable(dataDir)).toBe(path.join(privateBinaries, 'bin', 'postgres'));
    }

    // No stop(): as if the process that started it had been SIGKILLed.
    const second = await startEmbeddedPostgres({ dataDir, binaries: privateBinaries });
    try {
      expect(second.binaries).toEqual(first.binaries);
      expect(await query(second.adminUrl, 'select v from kept')).toEqual([{ v: 'survives' }]);
      await expect(query(first.adminUrl, 'select 1')).rejects.toThrow();
    } finally {
      await second.stop();
    }
  });

  it('says what to do when there is nowhere its user can run them from', async () => {
    const nowhere = path.join(privateFolder, 'scratch');
    await mkdir(nowhere);
    // Not root: a user we cannot switch to stands in for one that cannot get at the binaries.
    const user = isRoot ? await ensurePostgresUser() : { uid: 65534, gid: 65534 };
    const error = await locatePostgresBinaries(privateBinaries, user, [nowhere]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresSetupError);
    expect((error as Error).message).toContain(`cannot run the binaries in ${privateBinaries}`);
    expect((error as Error).message).toContain(`${nowhere}: `);
    expect((error as Error).message).toContain(
      'Set TMPDIR to a folder root can write to and every user can enter',
    );
  });
});
