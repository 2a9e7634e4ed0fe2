import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../support/faultyReceiver.ts';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { CLI_TEST_TIMEOUT_MS, EMPTY_CWD, runRowhook } from './runRowhook.ts';

const harness = useTestRuntime();

const capturedTypes = async (table: string) =>
  (
    await harness.database.db.query<{ event_type: string; body: string }>(
      'select event_type, body from rowhook.outbox where source_table = $1 order by id',
      [table],
    )
  ).map((row) => ({ type: row.event_type, data: JSON.parse(row.body).data }));

describe('rowhook track', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('runs rowhook.track_table against --database-url with the prefix and excluded columns', async () => {
    await harness.database.db.query(
      'create table cli_orders (id bigint primary key, tenant_id text not null, total numeric, secret text)',
    );
    const res = await runRowhook([
      'track',
      'cli_orders',
      '--tenant-column',
      'tenant_id',
      '--exclude',
      'secret',
      '--prefix',
      'shop.order',
      '--database-url',
      harness.database.url,
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      'tracking cli_orders: shop.order.created, shop.order.updated, shop.order.deleted for tenant column tenant_id\n',
    );
    await harness.database.db.query("insert into cli_orders values (1, 'acme', 9.5, 'hidden')");
    expect(await capturedTypes('public.cli_orders')).toEqual([
      { type: 'shop.order.created', data: { id: 1, tenant_id: 'acme', total: 9.5 } },
    ]);
  });

  it('--print prints SQL that quotes odd names safely and runs as printed', async () => {
    await harness.database.db.query(
      `create table "Odd's \\ Table" (id int, "org id" text not null, note text)`,
    );
    const res = await runRowhook([
      'track',
      `"Odd's \\ Table"`,
      '--tenant-column',
      'org id',
      '--include',
      'id,org id',
      '--prefix',
      'odd.table',
      '--print',
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      `select rowhook.track_table(E'"Odd''s \\\\ Table"', 'org id', event_prefix => 'odd.table', include_columns => array['id', 'org id']::text[]);\n`,
    );
    await harness.database.db.query(res.stdout);
    await harness.database.db.query(`insert into "Odd's \\ Table" values (7, 'acme', 'left out')`);
    expect(await capturedTypes("public.Odd's \\ Table")).toEqual([
      { type: 'odd.table.created', data: { id: 7, 'org id': 'acme' } },
    ]);
  });

  it('finds the database in DATABASE_URL or in the local runtime folder', async () => {
    await harness.database.db.query('create table cli_env (id int, tenant_id text)');
    const viaEnv = await runRowhook(['track', 'cli_env', '--tenant-column', 'tenant_id'], {
      env: { DATABASE_URL: harness.database.url },
    });
    expect(viaEnv.code).toBe(0);
    // A nullable tenant column: the database's notice reaches stderr.
    expect(viaEnv.stderr).toMatch(/NOTICE: .*allows NULL/);

    const dir = path.join(EMPTY_CWD, 'track-project');
    mkdirSync(path.join(dir, '.rowhook'), { recursive: true });
    writeFileSync(path.join(dir, '.rowhook', 'database-url'), `${harness.database.url}\n`);
    const viaFolder = await runRowhook(['track', 'cli_env', '--tenant-column', 'tenant_id', '--json'], {
      cwd: dir,
    });
    expect(viaFolder.code).toBe(0);
    expect(JSON.parse(viaFolder.stdout)).toEqual({
      table: 'cli_env',
      tenantColumn: 'tenant_id',
      eventPrefix: 'cli_env',
    });
  });

  it('exits 1 with the database message for an unknown table or column', async () => {
    const table = await runRowhook([
      'track',
      'no_such_table',
      '--tenant-column',
      'x',
      '--database-url',
      harness.database.url,
    ]);
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(/relation "no_such_table" does not exist/);
    await harness.database.db.query('create table cli_cols (id int, tenant_id text)');
    const column = await runRowhook([
      'track',
      'cli_cols',
      '--tenant-column',
      'tenant',
      '--database-url',
      harness.database.url,
    ]);
    expect(column.code).toBe(1);
    expect(column.stderr).toMatch(/has no column "tenant"/);
  });

  it('exits 2 without --tenant-column or without any database, and 3 when the database is unreachable', async () => {
    const noColumn = await runRowhook(['track', 'orders', '--print']);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toMatch(/missing --tenant-column\nusage: rowhook track <table>/);

    const noDatabase = await runRowhook(['track', 'orders', '--tenant-column', 't']);
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toMatch(/no database: pass --database-url, set DATABASE_URL/);

    const port = new URL(await closedPortUrl()).port;
    const url = `postgres://user:s3cret-pw@127.0.0.1:${port}/app`;
    const down = await runRowhook(['track', 'orders', '--tenant-column', 't', '--database-url', url]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      new RegExp(`cannot use the database at 127\\.0\\.0\\.1:${port}/app: .*ECONNREFUSED`),
    );
    expect(down.stderr).not.toContain('s3cret-pw');
  });
});
