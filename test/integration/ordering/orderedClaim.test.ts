import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgDeadLetters } from '../../../functions/adapters/pg/PgDeadLetters.ts';
import { PgDeliveryQueue } from '../../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgSubscriptionStore } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import type { ClaimedDelivery, NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { apiKeyHash, unique } from '../../contract/contractSupport.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// The queue side of ordering per key: what a claim may take for a per-key endpoint, with the
// deliveries made from real captured row changes (so the key is derived as in production).
let database: TestDatabase;
let clock: Date;
let queue: PgDeliveryQueue;
let tenantId: string;
let ordered: string;
let unordered: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.query(
    `create table items (id int, region text, tenant_id text not null, version int, primary key (region, id));
     create table notes (n int, tenant_id text not null);
     select rowhook.track_table('items', 'tenant_id');
     select rowhook.track_table('notes', 'tenant_id');`,
  );
});
afterAll(async () => {
  await database?.drop();
});

beforeEach(async () => {
  const { db } = database;
  await db.query('truncate rowhook.outbox, rowhook.deliveries, rowhook.delivery_lanes, items, notes');
  // Ahead of the database's clock, so what redrive makes due "now" is due for the queue too.
  clock = new Date(Date.now() + 60_000);
  queue = new PgDeliveryQueue(db, { endpointConcurrency: 100, now: () => clock });
  const store = new PgSubscriptionStore(db);
  tenantId = unique('t');
  await store.createTenant({ id: tenantId, name: tenantId, tier: 'pooled' }, apiKeyHash(tenantId), 'rh_test');
  const endpoint = (ordering: 'none' | 'per-key') =>
    store.createEndpoint({
      id: unique('ep'),
      tenantId,
      url: 'https://example.com/hook',
      description: '',
      eventTypes: null,
      filter: null,
      enabled: true,
      ordering,
    });
  ordered = (await endpoint('per-key')).id;
  unordered = (await endpoint('none')).id;
});

const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

/** Runs the writes, one transaction each, and enqueues their events for both endpoints in outbox order. */
async function write(...statements: string[]): Promise<NewDelivery[]> {
  for (const sql of statements) await database.db.query(sql, []);
  const events = await database.db.query<{ id: string; event_type: string; body: string }>(
    'select id, event_type, body from rowhook.outbox where published_at is null order by id',
  );
  await database.db.query('update rowhook.outbox set published_at = now() where published_at is null');
  return events.flatMap((e) =>
    [ordered, unordered].map((endpointId) => ({
      eventId: e.id,
      endpointId,
      tenantId,
      eventType: e.event_type,
      body: e.body,
    })),
  );
}

const versionOf = (d: ClaimedDelivery) => {
  const data = (
    JSON.parse(d.body) as { data: { region?: string; id?: number; n?: number; version?: number } }
  ).data;
  return data.n === undefined ? `${data.region}/${data.id}@${data.version}` : `note ${data.n}`;
};
const claimOrdered = async () =>
  (await queue.claim(100, 10_000)).filter((d) => d.endpointId === ordered).map(versionOf);
const settle = (claimed: ClaimedDelivery[], kind: 'delivered' | 'dead') =>
  queue.settle(
    claimed.map((delivery) =>
      kind === 'delivered'
        ? { delivery, kind, status: 200 }
        : { delivery, kind, status: 500, error: 'HTTP 500' },
    ),
  );
async function claimOne(version: string): Promise<ClaimedDelivery> {
  const claimed = (await queue.claim(100, 10_000)).filter((d) => d.endpointId === ordered);
  expect(claimed.map(versionOf)).toEqual([version]);
  return claimed[0] as ClaimedDelivery;
}

describe('PgDeliveryQueue: ordering per key', () => {
  it('keys deliveries by table and primary key, leases none of them at enqueue, and hands out one head per key', async () => {
    const deliveries = await write(
      `insert into items values (1, 'eu', '${tenantId}', 0), (1, 'us', '${tenantId}', 0)`,
      "update items set version = 1 where region = 'eu'",
      "update items set version = 2 where region = 'eu'",
      `insert into notes values (7, '${tenantId}')`,
    );
    const result = await queue.enqueue(deliveries, { lease: { leaseMs: 10_000, wants: () => true } });
    // The in-memory handover stays for the unordered endpoint only.
    expect(result.leased?.map((d) => d.endpointId)).toEqual(Array(5).fill(unordered));
    const keys = await database.db.query<{ ordering_key: string | null }>(
      'select ordering_key from rowhook.deliveries where endpoint_id = $1 order by event_id',
      [ordered],
    );
    expect(keys.map((k) => k.ordering_key)).toEqual([
      'public.items:["eu", 1]',
      'public.items:["us", 1]',
      'public.items:["eu", 1]',
      'public.items:["eu", 1]',
      // No primary key: the table is one key.
      'public.notes',
    ]);
    expect(
      (
        await database.db.query(
          'select 1 from rowhook.deliveries where endpoint_id = $1 and ordering_key is not null',
          [unordered],
        )
      ).length,
    ).toBe(0);

    expect((await claimOrdered()).sort()).toEqual(['eu/1@0', 'note 7', 'us/1@0']);
    // Nothing more while the heads are in flight; each settled head lets exactly the next one go.
    expect(await claimOrdered()).toEqual([]);
  });

  it('keys a published event by its ordering key, and one without a key by nothing (it waits for nothing)', async () => {
    const deliveries = await write(
      `select rowhook.publish('${tenantId}', 'plan.changed', '{"n": 1}', ordering_key => 'account-7')`,
      `select rowhook.publish('${tenantId}', 'plan.changed', '{"n": 2}', ordering_key => 'account-7')`,
      `select rowhook.publish('${tenantId}', 'plan.changed', '{"n": 3}')`,
    );
    await queue.enqueue(deliveries);
    const keys = await database.db.query<{ ordering_key: string | null }>(
      'select ordering_key from rowhook.deliveries where endpoint_id = $1 order by event_id',
      [ordered],
    );
    expect(keys.map((k) => k.ordering_key)).toEqual([
      'account-7',
      'account-7',
      expect.stringMatching(/^event:/),
    ]);
    // Heads only: the second of account-7 waits for the first; the keyless one goes at once.
    expect((await claimOrdered()).sort()).toEqual(['note 1', 'note 3']);
  });

  it('waits for a retry of the head, and goes on after a dead letter', async () => {
    await queue.enqueue(
      await write(
        `insert into items values (1, 'eu', '${tenantId}', 0)`,
        "update items set version = 1 where region = 'eu'",
        "update items set version = 2 where region = 'eu'",
      ),
    );
    const first = await claimOne('eu/1@0');
    await queue.settle([{ delivery: first, kind: 'retry', delayMs: 1_000, status: 500, error: 'HTTP 500' }]);
    expect(await claimOrdered()).toEqual([]);
    later(1_000);
    const again = await claimOne('eu/1@0');
    expect(again.attempt).toBe(2);
    await settle([again], 'dead');
    await settle([await claimOne('eu/1@1')], 'delivered');
    await claimOne('eu/1@2');
  });

  it('takes a crashed worker’s head again when its lease runs out, before the rest of its key', async () => {
    await queue.enqueue(
      await write(
        `insert into items values (1, 'eu', '${tenantId}', 0)`,
        "update items set version = 1 where region = 'eu'",
      ),
    );
    await claimOne('eu/1@0');
    expect(await claimOrdered()).toEqual([]);
    later(10_001);
    const retaken = await claimOne('eu/1@0');
    expect(retaken.attempt).toBe(2);
  });

  it('redrives in the original order, after the attempt in flight, before later deliveries not yet attempted', async () => {
    await queue.enqueue(
      await write(
        `insert into items values (1, 'eu', '${tenantId}', 0)`,
        "update items set version = 1 where region = 'eu'",
        "update items set version = 2 where region = 'eu'",
        "update items set version = 3 where region = 'eu'",
      ),
    );
    await settle([await claimOne('eu/1@0')], 'dead');
    await settle([await claimOne('eu/1@1')], 'dead');
    const inFlight = await claimOne('eu/1@2');
    // Both dead letters of the key at once, newest first in the call: the order is the key's.
    const deadLetters = new PgDeadLetters(database.db);
    expect(await deadLetters.redriveMatching({ endpointId: ordered })).toBe(2);
    later(1);
    expect(await claimOrdered()).toEqual([]);
    await settle([inFlight], 'delivered');
    await settle([await claimOne('eu/1@0')], 'delivered');
    await settle([await claimOne('eu/1@1')], 'delivered');
    await settle([await claimOne('eu/1@3')], 'delivered');
    expect(await claimOrdered()).toEqual([]);
  });
});
