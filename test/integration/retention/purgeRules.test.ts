import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRetentionStore } from '../../../functions/adapters/pg/PgRetentionStore.ts';
import { purgeExpired } from '../../../functions/pipeline/purgeExpired.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/**
 * One event in each situation the purge must tell apart, with `label` in its body; each delivery
 * has two attempts. Ids are made now, so a cutoff a minute ahead makes every one of them "old".
 */
async function seed(tenant: string) {
  const db = database.db;
  const event = async (label: string, published: 'yes' | 'no' | 'failed') => {
    const [row] = await db.query<{ id: string }>(
      `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at, publish_error)
       values (rowhook.uuidv7(), $1, 'seed.created', $2, now(), case when $3 = 'no' then null else now() end,
               case when $3 = 'failed' then 'over the size limit' end)
       returning id`,
      [tenant, JSON.stringify({ label }), published],
    );
    return row?.id as string;
  };
  const delivery = async (eventId: string, endpoint: string, state: string, leased = false) => {
    const [row] = await db.query<{ id: string }>(
      `insert into rowhook.deliveries (id, event_id, endpoint_id, tenant_id, state, leased, finished_at)
       values (rowhook.uuidv7(), $1, $2, $3, $4, $5, case when $4 = 'pending' then null else now() end)
       returning id`,
      [eventId, endpoint, tenant, state, leased],
    );
    await db.query(
      `insert into rowhook.attempts (delivery_id, tenant_id, endpoint_id, event_id, attempt, started_at,
         webhook_timestamp, status, latency_ms)
       select $1, $2, $3, $4, n, now(), 0, 500, 1 from generate_series(1, 2) n`,
      [row?.id, tenant, endpoint, eventId],
    );
  };
  await event('unpublished', 'no');
  await event('failed', 'failed');
  await event('published-no-endpoint', 'yes');
  const delivered = await event('delivered', 'yes');
  await delivery(delivered, 'ep_a', 'delivered');
  await delivery(delivered, 'ep_b', 'discarded');
  const half = await event('delivered-and-retrying', 'yes');
  await delivery(half, 'ep_a', 'delivered');
  await delivery(half, 'ep_b', 'pending');
  await delivery(await event('leased', 'yes'), 'ep_a', 'pending', true);
  await delivery(await event('dead', 'yes'), 'ep_a', 'dead');
}

const remaining = async () => ({
  events: (
    await database.db.query<{ label: string }>(
      `select (body::jsonb ->> 'label') as label from rowhook.outbox order by 1`,
    )
  ).map((r) => r.label),
  deliveries: (
    await database.db.query<{ label: string; state: string; attempts: number }>(
      `select (o.body::jsonb ->> 'label') || '/' || d.endpoint_id || '/' || d.state as label,
              (select count(*)::int from rowhook.attempts a where a.delivery_id = d.id) as attempts
         from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id order by 1`,
    )
  ).map((r) => `${r.label} (${r.attempts} attempts)`),
});

describe('purge: what goes and what stays', () => {
  it('removes resolved deliveries, their attempts and their events; keeps everything still needed', async () => {
    await seed('purge-rules');
    const store = new PgRetentionStore(database.db);
    // Nothing is older than a cutoff an hour back: nothing goes.
    const none = await purgeExpired(store, { before: new Date(Date.now() - 3_600_000), batchSize: 2 });
    expect(none).toMatchObject({ deliveries: 0, attempts: 0, events: 0, complete: true });
    // Batches of 2: the walk must carry its cursor past rows it keeps.
    const totals = await purgeExpired(store, { before: new Date(Date.now() + 60_000), batchSize: 2 });
    expect(totals).toMatchObject({ deliveries: 3, attempts: 6, events: 2, complete: true });
    expect(await remaining()).toEqual({
      events: ['dead', 'delivered-and-retrying', 'failed', 'leased', 'unpublished'],
      deliveries: [
        'dead/ep_a/dead (2 attempts)',
        'delivered-and-retrying/ep_b/pending (2 attempts)',
        'leased/ep_a/pending (2 attempts)',
      ],
    });
  });

  it('never waits for a row another transaction holds (the relay, a worker): it skips it this pass', async () => {
    const [row] = await database.db.query<{ id: string }>(
      `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
       values (rowhook.uuidv7(), 'locked', 'seed.created', '{"label":"locked"}', now(), now()) returning id`,
    );
    const holder = await database.client();
    await holder.query('begin');
    await holder.query('select 1 from rowhook.outbox where id = $1 for update', [row?.id]);
    const store = new PgRetentionStore(database.db);
    const before = new Date(Date.now() + 60_000);
    const held = await purgeExpired(store, { before, batchSize: 100 });
    expect(held.events).toBe(0);
    await holder.query('commit');
    const released = await purgeExpired(store, { before, batchSize: 100 });
    expect(released.events).toBe(1);
  });
});
