import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { isRowNamed, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

const harness = useTestRuntime();
let counter = 0;

/** A table with `rows` rows for the tenant, created BEFORE tracking (so they have no events yet). */
async function existingRows(tenantId: string, rows: number, options: { track?: string } = {}) {
  const table = `accounts_${++counter}`;
  await harness.database.db.query(
    `create table ${table} (id bigint primary key, tenant_id text not null, name text, amount numeric, secret text)`,
  );
  await harness.database.db.query(
    `insert into ${table} select g, $1, 'row ' || g, g * 1.5, 'hidden' from generate_series(1, $2) g`,
    [tenantId, rows],
  );
  await harness.database.db.query(
    `select rowhook.track_table('${table}', 'tenant_id'${options.track ?? ''})`,
  );
  return table;
}

/** How many snapshot events of the table the outbox holds per row id (a row emitted twice shows 2). */
async function snapshotsPerRow(table: string) {
  const rows = await harness.database.db.query<{ id: string; n: number }>(
    `select (body::jsonb -> 'data' ->> 'id') as id, count(*)::int as n from rowhook.outbox
      where event_type = $1 group by 1 order by (body::jsonb -> 'data' ->> 'id')::bigint`,
    [`${table}.snapshot`],
  );
  return rows;
}

describe('rowhook.backfill', () => {
  it('delivers exactly one signed snapshot per existing row, shaped like a created event', async () => {
    const tenant = await harness.api.createTenant(`bf-${++counter}`);
    const receiver = await new TestReceiver().start();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
    const table = await existingRows(tenant.id, 23, { track: `, exclude_columns => '{secret}'` });
    const client = await harness.database.client();
    // batch_size 5: five batches, the last one short.
    await client.query(`call rowhook.backfill('${table}', batch_size => 5)`);
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, name) values (1000, $1, 'marker')`,
      [tenant.id],
    );
    const [received] = await webhooksBeforeMarker(harness.database.db, [receiver], isRowNamed('marker'));
    const verifier = new Webhook(endpoint.secret);
    const payloads = (received ?? []).map(
      (w) => verifier.verify(w.body, w.headers as Record<string, string>) as Record<string, unknown>,
    );
    expect(payloads).toHaveLength(23);
    const ids = payloads.map((p) => (p.data as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
    const seventh = payloads.find((p) => (p.data as { id: number }).id === 7);
    expect(seventh).toEqual({
      type: `${table}.snapshot`,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      data: { id: 7, tenant_id: tenant.id, name: 'row 7', amount: 10.5 },
      // Each batch is a transaction of its own: rows 6-10 are the second, row 7 its second event.
      transaction: { id: expect.any(String), position: 2, count: 5 },
    });
    const [run] = await harness.database.db.query<{ status: string; scanned: string; emitted: string }>(
      `select status, scanned::text, emitted::text from rowhook.backfill_runs where tbl = $1::regclass`,
      [table],
    );
    expect(run).toEqual({ status: 'done', scanned: '23', emitted: '23' });
    await receiver.stop();
  });

  it('never blocks a writer: a writer commits updates and inserts while a batch holds its transaction open', async () => {
    const table = await existingRows('writer-tenant', 12);
    const [{ id: runId } = { id: '' }] = await harness.database.db.query<{ id: string }>(
      `select rowhook.backfill_start($1)::text as id`,
      [table],
    );
    const backfill = await harness.database.client();
    const writer = await harness.database.client();
    await backfill.query('begin');
    const batch = await backfill.query<{ scanned: number }>(
      'select scanned from rowhook.backfill_batch($1, 10)',
      [runId],
    );
    expect(batch.rows[0]?.scanned).toBe(10);
    // If the batch held any lock a writer needs, these would wait and fail after lock_timeout.
    await writer.query(`set lock_timeout = '3s'`);
    await writer.query('begin');
    await writer.query(`update ${table} set name = 'changed' where id in (1, 5, 10)`);
    await writer.query(`delete from ${table} where id = 2`);
    await writer.query(`insert into ${table} (id, tenant_id, name) values (100, 'writer-tenant', 'new')`);
    await writer.query('commit');
    // The latch: the race happened only if the batch's transaction was still open, holding the table,
    // when the writer committed.
    const [open] = await harness.database.db.query<{ state: string; holds_table: boolean }>(
      `select a.state, exists (select 1 from pg_locks l where l.pid = a.pid and l.relation = $2::regclass) as holds_table
         from pg_stat_activity a where a.pid = $1`,
      [(backfill as unknown as { processID: number }).processID, table],
    );
    expect(open).toEqual({ state: 'idle in transaction', holds_table: true });
    await backfill.query('commit');
    await backfill.query('select rowhook.backfill_batch($1, 10)', [runId]);
    // Row 100 (inserted after the cursor) is visited by the next batch; row 2 was emitted before its delete.
    const rows = await snapshotsPerRow(table);
    expect(rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100]);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('resumes an interrupted run with no duplicates and no gaps', async () => {
    const table = await existingRows('resume-tenant', 37);
    const [{ id: runId } = { id: '' }] = await harness.database.db.query<{ id: string }>(
      `select rowhook.backfill_start($1)::text as id`,
      [table],
    );
    await harness.database.db.query('select rowhook.backfill_batch($1, 6)', [runId]);
    await harness.database.db.query('select rowhook.backfill_batch($1, 6)', [runId]);
    // A crash mid-batch: the batch's events were written but its connection dies before COMMIT.
    const crashing = await harness.database.client();
    crashing.on('error', () => {});
    await crashing.query('begin');
    await crashing.query('select rowhook.backfill_batch($1, 6)', [runId]);
    const crashedPid = (crashing as unknown as { processID: number }).processID;
    await harness.database.db.query('select pg_terminate_backend($1)', [crashedPid]);
    // Resume from psql: the procedure takes the run id and finishes it.
    const client = await harness.database.client();
    await client.query(`call rowhook.backfill('${table}', batch_size => 6, run_id => $1)`, [runId]);
    const rows = await snapshotsPerRow(table);
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    // A finished run stays finished: another batch emits nothing.
    const again = await harness.database.db.query<{ emitted: number; done: boolean }>(
      'select emitted, done from rowhook.backfill_batch($1, 6)',
      [runId],
    );
    expect(again[0]).toEqual({ emitted: 0, done: true });
  });

  it('walks a composite primary key and honours the where condition', async () => {
    const table = `lines_${++counter}`;
    await harness.database.db.query(
      `create table ${table} (order_id int, line int, tenant_id text not null, qty int, primary key (order_id, line))`,
    );
    await harness.database.db.query(
      `insert into ${table} select o, l, 'lines-tenant', o * l from generate_series(1, 5) o, generate_series(1, 4) l`,
    );
    await harness.database.db.query(`select rowhook.track_table('${table}', 'tenant_id')`);
    const client = await harness.database.client();
    await client.query(`call rowhook.backfill('${table}', "where" => 'qty % 2 = 0', batch_size => 3)`);
    const rows = await harness.database.db.query<{ k: string }>(
      `select (body::jsonb -> 'data' ->> 'order_id') || '/' || (body::jsonb -> 'data' ->> 'line') as k
         from rowhook.outbox where event_type = $1 order by 1`,
      [`${table}.snapshot`],
    );
    const expected: string[] = [];
    for (let o = 1; o <= 5; o++)
      for (let l = 1; l <= 4; l++) if ((o * l) % 2 === 0) expected.push(`${o}/${l}`);
    expect(rows.map((r) => r.k)).toEqual(expected.sort());
  });

  it('refuses a missing table, an untracked table, a table without a primary key and a bad condition', async () => {
    const db = harness.database.db;
    await expect(db.query(`select rowhook.backfill_start('no_such_table')`)).rejects.toThrow(
      /relation "no_such_table" does not exist/,
    );
    await db.query('create table untracked_t (id int primary key, tenant_id text)');
    await expect(db.query(`select rowhook.backfill_start('untracked_t')`)).rejects.toThrow(
      /table untracked_t is not tracked; run rowhook.track_table/,
    );
    await db.query('create table no_pk_t (id int, tenant_id text)');
    await db.query(`select rowhook.track_table('no_pk_t', 'tenant_id')`);
    await expect(db.query(`select rowhook.backfill_start('no_pk_t')`)).rejects.toThrow(/has no primary key/);
    const table = await existingRows('bad-where', 1);
    await expect(
      db.query(`select rowhook.backfill_start($1, 'no_such_column > 1')`, [table]),
    ).rejects.toThrow(/the where condition "no_such_column > 1" does not work on table .*no_such_column/);
    await expect(db.query(`select rowhook.backfill_start($1, '   ')`, [table])).rejects.toThrow(
      /the where condition is empty/,
    );
    await expect(db.query(`select rowhook.backfill_batch(999999, 10)`)).rejects.toThrow(
      /no backfill run 999999/,
    );
  });
});
