import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../functions/adapters/pg/Database.ts';
import { applyMigrations } from '../../functions/adapters/pg/migrate.ts';
import { loadMigrations } from '../../functions/adapters/sql/loadMigrations.ts';
import { MIGRATIONS_DIR } from '../../functions/local/createLocalRuntime.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.query(
    `create table orders (id bigint primary key, tenant_id text, note text, total numeric);
     select rowhook.track_table('orders', 'tenant_id');`,
  );
});

afterAll(async () => {
  await database?.drop();
});

/**
 * The nudges a listener got before a marker notification sent now. NOTIFY delivers notifications
 * in commit order, so once the marker is in, every nudge committed before it is in too.
 */
async function nudgesBeforeMarker(nudges: string[]): Promise<string[]> {
  const marker = `marker-${randomUUID()}`;
  await database.db.query(`select pg_notify('aws_lambda_invoke', $1)`, [marker]);
  await expect.poll(() => nudges.includes(marker), { timeout: 10_000 }).toBe(true);
  return nudges.slice(0, nudges.indexOf(marker));
}

const outboxCount = async (where = 'true') =>
  (await database.db.query<{ n: number }>(`select count(*)::int as n from rowhook.outbox where ${where}`))[0]
    ?.n;

describe('capture into the outbox', () => {
  it('writes exactly one event per committed change and none for rolled-back ones, under concurrency', async () => {
    await database.db.query('truncate rowhook.outbox');
    const clients = await Promise.all(Array.from({ length: 8 }, () => database.client()));
    let committed = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; i < 40; i++) {
          const id = c * 1000 + i;
          await client.query('begin');
          await client.query('insert into orders (id, tenant_id) values ($1, $2)', [id, `t${c}`]);
          if (i % 4 === 0) {
            await client.query('rollback');
            continue;
          }
          await client.query('savepoint s');
          await client.query('insert into orders (id, tenant_id) values ($1, $2)', [id + 500, `t${c}`]);
          await client.query('rollback to savepoint s'); // its event must vanish with it
          await client.query('commit');
          committed++;
        }
      }),
    );
    expect(await outboxCount()).toBe(committed);
    expect(await outboxCount("(body::jsonb -> 'data' ->> 'id')::int % 1000 >= 500")).toBe(0);
    const [row] = await database.db.query<{ ids: number; distinct_ids: number }>(
      'select count(id)::int as ids, count(distinct id)::int as distinct_ids from rowhook.outbox',
    );
    expect(row?.distinct_ids).toBe(row?.ids);
  });

  it('nudges the relay once per transaction at most, and at most once per interval across sessions', async () => {
    const listener = await database.client();
    const nudges: string[] = [];
    listener.on('notification', (message) => nudges.push(message.payload ?? ''));
    await listener.query('listen aws_lambda_invoke');
    const writer = await database.client();

    await database.db.query('update rowhook.settings set nudge_interval_ms = 0');
    await writer.query('begin');
    for (let i = 0; i < 20; i++)
      await writer.query('insert into orders (id, tenant_id) values ($1, $2)', [10_000 + i, 'a']);
    await writer.query('commit');
    for (let i = 0; i < 5; i++)
      await writer.query('insert into orders (id, tenant_id) values ($1, $2)', [10_100 + i, 'a']);
    const first = await nudgesBeforeMarker(nudges);
    expect(first).toHaveLength(6); // 1 for the 20-row transaction + 5 single-row ones
    expect(JSON.parse(first[0] ?? '{}')).toMatchObject({
      function: 'rowhook-relay',
      payload: { hint: 'outbox' },
    });

    nudges.length = 0;
    await database.db.query('update rowhook.settings set nudge_interval_ms = 60000');
    await database.db.query("select setval('rowhook.nudge_clock', 0)");
    for (let i = 0; i < 30; i++)
      await writer.query('insert into orders (id, tenant_id) values ($1, $2)', [10_200 + i, 'a']);
    expect(await nudgesBeforeMarker(nudges)).toHaveLength(1);
    await database.db.query('update rowhook.settings set nudge_interval_ms = 0');
  });

  it('queues the same commit-time nudge for events Rowhook appends itself (test events)', async () => {
    const listener = await database.client();
    const nudges: string[] = [];
    listener.on('notification', (message) => nudges.push(message.payload ?? ''));
    await listener.query('listen aws_lambda_invoke');
    await database.db.query('update rowhook.settings set nudge_interval_ms = 0');
    const [row] = await database.db.query<{ id: string }>(
      "select rowhook.append_event('t-append', 'webhook.test', '{}', 'ep_x')::text as id",
    );
    expect(await nudgesBeforeMarker(nudges)).toHaveLength(1);
    expect(await outboxCount(`id = '${row?.id}' and target_endpoint_id = 'ep_x'`)).toBe(1);
  });

  it('makes track_table and untrack_table idempotent and explains bad arguments', async () => {
    await database.db.query(`create table notes (id int primary key, owner text not null, body text)`);
    await database.db.query(`select rowhook.track_table('notes', 'owner', 'note')`);
    await database.db.query(`select rowhook.track_table('notes', 'owner', 'note')`);
    await database.db.query(`insert into notes values (1, 'x', 'hello')`);
    expect(await outboxCount("event_type = 'note.created'")).toBe(1);
    await database.db.query(`select rowhook.untrack_table('notes')`);
    await database.db.query(`select rowhook.untrack_table('notes')`);
    await database.db.query(`insert into notes values (2, 'x', 'quiet')`);
    expect(await outboxCount("event_type = 'note.created'")).toBe(1);
    await expect(database.db.query(`select rowhook.track_table('notes', 'tenant')`)).rejects.toThrow(
      /has no column "tenant" to use as the tenant column/,
    );
    await expect(
      database.db.query(`select rowhook.track_table('notes', 'owner', exclude_columns => '{bodyy}')`),
    ).rejects.toThrow(/has no column "bodyy"/);
    await expect(
      database.db.query(`select rowhook.track_table('notes', 'owner', 'bad prefix!')`),
    ).rejects.toThrow(/may contain only letters/);
  });

  it('writes no event for a row without a tenant and warns about a nullable tenant column when tracking', async () => {
    const client = await database.client();
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.query(`create table loose (id int primary key, tenant_id text)`);
    await client.query(`select rowhook.track_table('loose', 'tenant_id')`);
    expect(notices.join()).toMatch(/allows NULL; rows with a NULL tenant produce no events/);
    await client.query(`insert into loose values (1, null), (2, 'y')`);
    expect(await outboxCount("event_type like 'loose.%'")).toBe(1);
  });

  it('shows a tenant-scoped connection of another role only its own tenant rows (RLS)', async () => {
    await database.db.query(
      `insert into orders (id, tenant_id) values (20001, 'rls-a'), (20002, 'rls-b'), (20003, 'rls-a')`,
    );
    await database.db.query(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'rowhook_app') then
          create role rowhook_app nologin;
        end if; end $$;
      grant select on rowhook.outbox to rowhook_app;
      grant insert on orders to rowhook_app;`);
    const client = await database.client();
    await client.query('begin');
    await client.query('set local role rowhook_app');
    await client.query("select set_config('rowhook.tenant_id', 'rls-a', true)");
    const visible = await client.query("select tenant_id from rowhook.outbox where tenant_id like 'rls-%'");
    expect(visible.rows.map((r) => r.tenant_id)).toEqual(['rls-a', 'rls-a']);
    // Writing its own tenant's row records the event through the capture, as this role.
    await client.query(`insert into orders (id, tenant_id) values (20004, 'rls-a')`);
    // A connection scoped to rls-a cannot create events (nor rows) for rls-b.
    await client.query('savepoint cross_tenant');
    await expect(client.query(`insert into orders (id, tenant_id) values (20005, 'rls-b')`)).rejects.toThrow(
      /row-level security/,
    );
    await client.query('rollback to savepoint cross_tenant');
    // Unscoped, the same role may write any tenant's rows but reads no events at all.
    await client.query("select set_config('rowhook.tenant_id', '', true)");
    await client.query(`insert into orders (id, tenant_id) values (20006, 'rls-b')`);
    expect((await client.query('select count(*)::int as n from rowhook.outbox')).rows[0].n).toBe(0);
    await client.query('commit');
    expect(await outboxCount("tenant_id = 'rls-a'")).toBe(3);
    expect(await outboxCount("tenant_id = 'rls-b'")).toBe(2);
  });
});

describe('migrations', () => {
  it('apply once when several processes start together, and are recorded', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const first = new Database({ connectionString: fresh.url });
      const second = new Database({ connectionString: fresh.url });
      const results = await Promise.all([
        applyMigrations(first, MIGRATIONS_DIR),
        applyMigrations(second, MIGRATIONS_DIR),
      ]);
      const files = await loadMigrations(MIGRATIONS_DIR);
      expect(files.length).toBeGreaterThanOrEqual(4);
      // Every file applied exactly once between the two starters.
      expect(results.flat().sort()).toEqual(files.map((f) => f.name));
      const versions = await fresh.db.query<{ version: number }>(
        'select version from rowhook.schema_migrations order by version',
      );
      expect(versions.map((v) => v.version)).toEqual(files.map((f) => f.version));
      await first.close();
      await second.close();
    } finally {
      await fresh.drop();
    }
  });

  it('refuse to run when an applied migration file was edited', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-migrations-'));
    try {
      await writeFile(path.join(folder, '0001_first.sql'), 'create table rowhook_probe (id int);');
      expect(await applyMigrations(fresh.db, folder, 'public.probe_migrations')).toEqual(['0001_first.sql']);
      await writeFile(path.join(folder, '0002_second.sql'), 'alter table rowhook_probe add column v text;');
      expect(await applyMigrations(fresh.db, folder, 'public.probe_migrations')).toEqual(['0002_second.sql']);
      await writeFile(path.join(folder, '0001_first.sql'), 'create table rowhook_probe (id bigint);');
      await expect(applyMigrations(fresh.db, folder, 'public.probe_migrations')).rejects.toThrow(
        /0001_first\.sql changed after it was applied .* add the change as a new numbered file/,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
      await fresh.drop();
    }
  });
});
