import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

// Statement-level capture (migration 0011): a statement's events in one insert, one nudge per
// transaction whatever the statement size, and row-level capture where statement triggers would
// miss rows (partitions, inheritance).
let database: TestDatabase;
let listener: pg.Client;
const nudges: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.query(
    `create table items (id bigint primary key, tenant_id text, note text);
     select rowhook.track_table('items', 'tenant_id');
     create table measures (id bigint, tenant_id text not null, at date not null) partition by range (at);
     create table measures_2026 partition of measures for values from ('2026-01-01') to ('2027-01-01');
     select rowhook.track_table('measures', 'tenant_id');
     create table animals (id bigint primary key, tenant_id text not null);
     create table dogs (barks boolean) inherits (animals);
     select rowhook.track_table('animals', 'tenant_id');
     update rowhook.settings set nudge_interval_ms = 0;`,
  );
  listener = await database.client();
  listener.on('notification', (message) => nudges.push(message.payload ?? ''));
  await listener.query('listen aws_lambda_invoke');
});

afterAll(async () => {
  await database?.drop();
});

beforeEach(async () => {
  await database.db.query('truncate rowhook.outbox');
  nudges.length = 0;
});

/** The nudges sent before a marker notification sent now (NOTIFY delivers in commit order). */
async function nudgesSoFar(): Promise<string[]> {
  const marker = `marker-${randomUUID()}`;
  await database.db.query(`select pg_notify('aws_lambda_invoke', $1)`, [marker]);
  await expect.poll(() => nudges.includes(marker), { timeout: 10_000 }).toBe(true);
  return nudges.slice(0, nudges.indexOf(marker));
}

const events = async (source: string) =>
  database.db.query<{ tenant_id: string; event_type: string; body: string }>(
    'select tenant_id, event_type, body from rowhook.outbox where source_table = $1 order by id',
    [source],
  );

describe('statement-level capture', () => {
  it('writes a 300-row statement as 300 events in statement order, with one nudge for the transaction', async () => {
    await database.db.query(
      `insert into items select g, 't' || (g % 3), 'n' || g from generate_series(1, 300) g`,
    );
    const captured = await events('public.items');
    expect(captured).toHaveLength(300);
    expect(captured.map((e) => JSON.parse(e.body).data.id)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    expect(captured.every((e) => e.event_type === 'items.created')).toBe(true);
    expect(await nudgesSoFar()).toHaveLength(1);
  });

  it('nudges once for a transaction of several statements, and when its first rows have no tenant', async () => {
    const writer = await database.client();
    await writer.query('begin');
    await writer.query(`insert into items select g, null, 'no tenant' from generate_series(1001, 1003) g`);
    await writer.query(`insert into items select g, case when g = 1004 then null else 'a' end, 'x'
                          from generate_series(1004, 1010) g`);
    await writer.query(`delete from items where id between 1005 and 1007`);
    await writer.query('commit');
    expect((await events('public.items')).map((e) => e.event_type)).toEqual([
      ...Array(6).fill('items.created'),
      ...Array(3).fill('items.deleted'),
    ]);
    expect(await nudgesSoFar()).toHaveLength(1);
  });

  it('forgets a statement rolled back to a savepoint, events and nudge mark alike', async () => {
    const writer = await database.client();
    await writer.query('begin');
    await writer.query('savepoint s');
    await writer.query(`insert into items select g, 'a', 'gone' from generate_series(2001, 2010) g`);
    await writer.query('rollback to savepoint s');
    await writer.query(`insert into items values (2011, 'a', 'kept')`);
    await writer.query('commit');
    const captured = await events('public.items');
    expect(captured.map((e) => JSON.parse(e.body).data.note)).toEqual(['kept']);
    // The rolled-back statement's nudge went with it; the kept insert queued its own.
    expect(await nudgesSoFar()).toHaveLength(1);
  });

  it('captures rows written through a partitioned table and straight into its partition', async () => {
    await database.db.query(
      `insert into measures values (1, 'a', '2026-05-01');
       insert into measures_2026 values (2, 'a', '2026-06-01');
       update measures_2026 set tenant_id = 'a' where id = 2;
       delete from measures where id = 1;`,
    );
    const captured = [...(await events('public.measures')), ...(await events('public.measures_2026'))];
    expect(captured.map((e) => [e.event_type, JSON.parse(e.body).data.id])).toEqual(
      expect.arrayContaining([
        ['measures.created', 1],
        ['measures.created', 2],
        ['measures.deleted', 1],
      ]),
    );
    expect(captured).toHaveLength(3);
  });

  it('captures an inheritance child written through its parent as a row-level trigger does', async () => {
    await database.db.query(
      `insert into animals values (1, 'a');
       insert into dogs values (2, 'a', true);
       delete from animals where id = 2;`,
    );
    // The parent's trigger sees its own rows only, as before 0011: rows of the child are the child's.
    expect((await events('public.animals')).map((e) => [e.event_type, JSON.parse(e.body).data.id])).toEqual([
      ['animals.created', 1],
    ]);
    const triggers = await database.db.query<{ tgname: string }>(
      `select tgname from pg_trigger where tgrelid = 'animals'::regclass and not tgisinternal order by 1`,
    );
    expect(triggers.map((t) => t.tgname)).toEqual(['rowhook_capture']);
  });
});
