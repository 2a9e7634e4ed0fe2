import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const outboxRows = (where: string, params: unknown[] = []) =>
  database.db.query<{
    id: string;
    tenant_id: string;
    event_type: string;
    body: string;
    ordering_key: string | null;
  }>(
    `select id::text, tenant_id, event_type, body, ordering_key from rowhook.outbox where ${where} order by id`,
    params as string[],
  );

/** Resolves once `pid` waits for a lock; fails the test if it never does (the race did not happen). */
async function waitUntilBlocked(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await database.db.query<{ waiting: boolean }>(
      `select wait_event_type = 'Lock' as waiting from pg_stat_activity where pid = $1`,
      [pid],
    );
    if (row?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`session ${pid} never waited for the first publish's lock: the race did not happen`);
}

const backendPid = async (client: pg.Client) =>
  (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;

describe('rowhook.publish in SQL', () => {
  it('writes one outbox row shaped like a captured change, with its ordering key, in the caller transaction', async () => {
    const [row] = await database.db.query<{ id: string }>(
      `select rowhook.publish('acme', 'invoice.paid', '{"invoice": 7, "total": 12345678901234567890.10}',
                              ordering_key => 'customer-9')::text as id`,
    );
    const [event] = await outboxRows('id = $1', [row?.id]);
    expect(event).toMatchObject({
      tenant_id: 'acme',
      event_type: 'invoice.paid',
      ordering_key: 'customer-9',
    });
    // Byte for byte the capture's envelope: type, timestamp with microseconds, data exact.
    expect(event?.body).toMatch(
      /^\{"type":"invoice\.paid","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","data":\{"total": 12345678901234567890\.10, "invoice": 7\}\}$/,
    );
  });

  it('nudges the relay once per committing transaction, like a captured change, and never on rollback', async () => {
    await database.db.query('update rowhook.settings set nudge_interval_ms = 0');
    const listener = await database.client();
    const nudges: string[] = [];
    listener.on('notification', (message) => nudges.push(message.payload ?? ''));
    await listener.query('listen aws_lambda_invoke');
    const writer = await database.client();
    await writer.query('begin');
    await writer.query(`select rowhook.publish('acme', 'nudge.a', '{}')`);
    await writer.query(`select rowhook.publish('acme', 'nudge.b', '{}')`);
    await writer.query('commit');
    await writer.query('begin');
    await writer.query(`select rowhook.publish('acme', 'nudge.c', '{}')`);
    await writer.query('rollback');
    // The marker: NOTIFYs arrive in commit order, so every nudge of the commits above precedes it.
    const marker = `marker-${randomUUID()}`;
    await database.db.query(`select pg_notify('aws_lambda_invoke', $1)`, [marker]);
    await expect.poll(() => nudges.includes(marker), { timeout: 10_000 }).toBe(true);
    const before = nudges.slice(0, nudges.indexOf(marker));
    expect(before).toHaveLength(1);
    expect(JSON.parse(before[0] ?? '{}')).toMatchObject({
      function: 'rowhook-relay',
      payload: { hint: 'outbox' },
    });
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
    const client = await database.client();
    await client.query('begin');
    const { rows } = await client.query(
      `select rowhook.publish('acme', 'invoice.voided', '{}', idempotency_key => 'rolled-back')::text as id`,
    );
    await client.query('rollback');
    expect(await outboxRows('id = $1', [rows[0].id])).toEqual([]);
    // The key went with it: the next publish with it creates an event.
    const [again] = await database.db.query<{ id: string }>(
      `select rowhook.publish('acme', 'invoice.voided', '{}', idempotency_key => 'rolled-back')::text as id`,
    );
    expect(await outboxRows('id = $1', [again?.id])).toHaveLength(1);
  });

  it('returns the first event for a repeated idempotency key within 24 h, per tenant', async () => {
    const publish = async (tenant: string, key: string) =>
      (
        await database.db.query<{ id: string }>(
          `select rowhook.publish($1, 'order.shipped', '{"n": 1}', idempotency_key => $2)::text as id`,
          [tenant, key],
        )
      )[0]?.id;
    const first = await publish('acme', 'ship-1');
    expect(await publish('acme', 'ship-1')).toBe(first);
    expect(await outboxRows(`tenant_id = 'acme' and event_type = 'order.shipped'`)).toHaveLength(1);
    // Another tenant's key space is its own.
    const other = await publish('globex', 'ship-1');
    expect(other).not.toBe(first);
    // After 24 hours the key is free again.
    await database.db.query(
      `update rowhook.publish_keys set created_at = now() - interval '25 hours' where idempotency_key = 'ship-1' and tenant_id = 'acme'`,
    );
    const later = await publish('acme', 'ship-1');
    expect(later).not.toBe(first);
    expect(await outboxRows(`tenant_id = 'acme' and event_type = 'order.shipped'`)).toHaveLength(2);
  });

  it('creates one event when two transactions publish with one key at once', async () => {
    const first = await database.client();
    const second = await database.client();
    const publish = (client: pg.Client) =>
      client.query<{ id: string }>(
        `select rowhook.publish('acme', 'order.refunded', '{"n": 1}', idempotency_key => 'race-1')::text as id`,
      );
    await first.query('begin');
    const firstId = (await publish(first)).rows[0]?.id;
    await second.query('begin');
    const secondPid = await backendPid(second);
    const secondPublish = publish(second);
    // The latch: the second publish must be waiting on the first one's key before the first commits.
    await waitUntilBlocked(secondPid);
    await first.query('commit');
    const secondId = (await secondPublish).rows[0]?.id;
    await second.query('commit');
    expect(secondId).toBe(firstId);
    expect(await outboxRows(`event_type = 'order.refunded'`)).toHaveLength(1);
  });

  it('rejects bad input with messages that say what to change', async () => {
    const attempt = (sql: string) => database.db.query(sql);
    await expect(attempt(`select rowhook.publish('acme', 'bad type!', '{}')`)).rejects.toThrow(
      /event_type "bad type!" may contain only letters, digits/,
    );
    await expect(attempt(`select rowhook.publish('acme', '.dot', '{}')`)).rejects.toThrow(/may contain only/);
    await expect(attempt(`select rowhook.publish('acme', 'a.b', '[1]')`)).rejects.toThrow(
      /data must be a JSON object .*got array/,
    );
    await expect(attempt(`select rowhook.publish(null, 'a.b', '{}')`)).rejects.toThrow(
      /tenant_id is required/,
    );
    await expect(attempt(`select rowhook.publish('acme', 'webhook.test', '{}')`)).rejects.toThrow(
      /reserved for Rowhook's own webhook.test events/,
    );
    await database.db.query(`create table parcels (id int primary key, tenant_id text not null)`);
    await database.db.query(`select rowhook.track_table('parcels', 'tenant_id')`);
    await expect(attempt(`select rowhook.publish('acme', 'parcels.created', '{}')`)).rejects.toThrow(
      /"parcels.created" is reserved for the parcels.created events of tracked table public.parcels/,
    );
    await expect(
      attempt(`select rowhook.publish('acme', 'a.b', '{}', idempotency_key => repeat('k', 256))`),
    ).rejects.toThrow(/idempotency_key must be 1-255 characters/);
  });

  it('applies the outbox insert policy: a connection scoped to one tenant cannot publish for another', async () => {
    await database.db.query(`do $$ begin
        if not exists (select 1 from pg_roles where rolname = 'rowhook_publisher') then
          create role rowhook_publisher nologin;
        end if; end $$`);
    const client = await database.client();
    await client.query('begin');
    await client.query('set local role rowhook_publisher');
    await client.query("select set_config('rowhook.tenant_id', 'scoped-a', true)");
    await client.query(`select rowhook.publish('scoped-a', 'note.added', '{}')`);
    await client.query('savepoint other_tenant');
    await expect(client.query(`select rowhook.publish('scoped-b', 'note.added', '{}')`)).rejects.toThrow(
      /scoped to tenant "scoped-a" .* may not publish for tenant "scoped-b"/,
    );
    await client.query('rollback to savepoint other_tenant');
    // Neither the keys nor the catalog's tables are readable to this role.
    await client.query('savepoint keys');
    await expect(client.query('select * from rowhook.publish_keys')).rejects.toThrow(/permission denied/);
    await client.query('rollback to savepoint keys');
    await client.query('commit');
    expect(await outboxRows(`tenant_id like 'scoped-%'`)).toHaveLength(1);
  });

  it('rejects data that does not fit a registered schema, naming the failing path', async () => {
    await database.db.query(`select rowhook.register_event_schema('user.signed_up', $1)`, [
      JSON.stringify({
        type: 'object',
        required: ['email', 'plan'],
        properties: {
          email: { type: 'string' },
          plan: { enum: ['free', 'pro'] },
          at: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      }),
    ]);
    const publish = (data: unknown) =>
      database.db.query(`select rowhook.publish('acme', 'user.signed_up', $1)`, [JSON.stringify(data)]);
    await expect(publish({ email: 'a@b.c' })).rejects.toThrow(/version 1\): data\.plan: is required/);
    await expect(publish({ email: 'a@b.c', plan: 'gold' })).rejects.toThrow(/data\.plan: must be one of/);
    await expect(publish({ email: 'a@b.c', plan: 'pro', tags: ['x', 3] })).rejects.toThrow(
      /data\.tags\[1\]: expected string, got number/,
    );
    await expect(publish({ email: 'a@b.c', plan: 'pro', at: '2026-02-30T00:00:00Z' })).rejects.toThrow(
      /data\.at: must be an RFC 3339 date-time/,
    );
    await publish({ email: 'a@b.c', plan: 'pro', at: '2026-02-28T23:59:59.5+02:00', tags: ['x'] });
    expect(await outboxRows(`event_type = 'user.signed_up'`)).toHaveLength(1);
  });
});
