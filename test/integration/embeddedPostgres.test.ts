import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../functions/local/startEmbeddedPostgres.ts';

const folders: string[] = [];

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
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

describe('embedded PostgreSQL', () => {
  it('keeps data across restarts and takes over from a server a killed run left behind', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-embedded-'));
    await chmod(folder, 0o755);
    folders.push(folder);
    const dataDir = path.join(folder, 'pgdata');

    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.adminUrl, 'create table kept (v text); insert into kept values ($$survives$$)');
    // No stop(): as if the process that started it had been SIGKILLed.
    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.adminUrl).not.toBe(first.adminUrl);
      expect(await query(second.adminUrl, 'select v from kept')).toEqual([{ v: 'survives' }]);
      await expect(query(first.adminUrl, 'select 1')).rejects.toThrow();
    } finally {
      await second.stop();
    }
  });
});
