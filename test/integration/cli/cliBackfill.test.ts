import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { CLI_TEST_TIMEOUT_MS, runRowhook, startRowhook } from './runRowhook.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

async function trackedTable(name: string, rows: number) {
  await database.db.query(`create table ${name} (id int primary key, tenant_id text not null, v text)`);
  await database.db.query(`insert into ${name} select g, 'acme', 'v' || g from generate_series(1, $1) g`, [
    rows,
  ]);
  await database.db.query(`select rowhook.track_table('${name}', 'tenant_id')`);
}

const snapshotCounts = (table: string) =>
  database.db.query<{ id: number; n: number }>(
    `select (body::jsonb -> 'data' ->> 'id')::int as id, count(*)::int as n from rowhook.outbox
      where event_type = $1 group by 1 order by 1`,
    [`${table}.snapshot`],
  );

describe('rowhook backfill', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('emits one snapshot per row matching --where, in batches, and reports the run', async () => {
    await trackedTable('cli_bf_a', 10);
    const res = await runRowhook([
      'backfill',
      'cli_bf_a',
      '--where',
      'id > 3',
      '--batch',
      '4',
      '--database-url',
      database.url,
    ]);
    expect(res.stderr).toBe('backfilled 4 of 7 rows\nbackfilled 7 of 7 rows\n');
    expect(res.stdout).toMatch(/^backfilled cli_bf_a: 7 snapshot events from 7 rows \(run \d+\)\n$/);
    expect(res.code).toBe(0);
    expect(await snapshotCounts('cli_bf_a')).toEqual([4, 5, 6, 7, 8, 9, 10].map((id) => ({ id, n: 1 })));
  });

  it('stops between batches on Ctrl+C and resumes where it stopped: no row twice, none missed', async () => {
    const rows = 3000;
    await trackedTable('cli_bf_b', rows);
    const args = ['backfill', 'cli_bf_b', '--batch', '1', '--database-url', database.url];
    const first = startRowhook(args);
    await new Promise<void>((resolve) => {
      const onData = () => {
        if (first.result.stderr.includes('backfilled')) {
          first.child.stderr.off('data', onData);
          resolve();
        }
      };
      first.child.stderr.on('data', onData);
      // Ended without progress (an error): go on, so the assertions below report it.
      void first.done.then(() => resolve());
    });
    first.child.kill('SIGINT');
    const stopped = await first.done;
    expect(stopped.code).toBe(0);
    // The latch: the interrupt landed mid-run (the run was not finished when it stopped).
    expect(stopped.stdout).toMatch(/^stopped after \d+ of 3000 rows \(run \d+\); run the same command again/);
    const [run] = await database.db.query<{ status: string; scanned: number }>(
      `select status, scanned::int from rowhook.backfill_runs where tbl = 'cli_bf_b'::regclass`,
    );
    expect(run?.status).toBe('running');
    expect(run?.scanned).toBeLessThan(rows);

    const resumed = await runRowhook([
      'backfill',
      'cli_bf_b',
      '--batch',
      '500',
      '--database-url',
      database.url,
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming backfill run \d+ \(\d+ of 3000 rows done\)\n/);
    expect(resumed.stdout).toMatch(/from 3000 rows/);
    const counts = await snapshotCounts('cli_bf_b');
    expect(counts).toHaveLength(rows);
    expect(counts.filter((c, i) => c.id !== i + 1 || c.n !== 1)).toEqual([]);
  });

  it('refuses an untracked table, a bad condition and a bad --batch with a clear message', async () => {
    await database.db.query('create table cli_bf_untracked (id int primary key, tenant_id text)');
    const untracked = await runRowhook(['backfill', 'cli_bf_untracked', '--database-url', database.url]);
    expect(untracked.code).toBe(1);
    expect(untracked.stderr).toContain('table cli_bf_untracked is not tracked; run rowhook.track_table');
    await trackedTable('cli_bf_c', 2);
    const badWhere = await runRowhook([
      'backfill',
      'cli_bf_c',
      '--where',
      'nope = 1',
      '--database-url',
      database.url,
    ]);
    expect(badWhere.code).toBe(1);
    expect(badWhere.stderr).toMatch(
      /the where condition "nope = 1" does not work on table cli_bf_c: column "nope"/,
    );
    const missing = await runRowhook(['backfill', 'cli_bf_nothing', '--database-url', database.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('relation "cli_bf_nothing" does not exist');
    const badBatch = await runRowhook([
      'backfill',
      'cli_bf_c',
      '--batch',
      '0',
      '--database-url',
      database.url,
    ]);
    expect(badBatch.code).toBe(2);
    expect(badBatch.stderr).toContain('--batch "0": expected a whole number from 1 to 10000');
    expect(await snapshotCounts('cli_bf_c')).toEqual([]);
  });
});
