import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../../functions/adapters/pg/Database.ts';
import { PgDeliveryQueue } from '../../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgEventFeed } from '../../../functions/adapters/pg/PgEventFeed.ts';
import { PgOutboxSource } from '../../../functions/adapters/pg/PgOutboxSource.ts';
import { PgSubscriptionStore } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { seedThroughPorts, unique } from '../../contract/contractSupport.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// Per-endpoint sequence numbers as PgDeliveryQueue.enqueue assigns them: in the enqueuer's
// transaction, under the endpoint's counter row, so two enqueuers number one after the other and a
// rolled-back one leaves no hole.
let database: TestDatabase;
/** A second pool: the other relay. */
let other: Database;
let tenantId: string;
let endpointId: string;
let otherEndpointId: string;
let seed: ReturnType<typeof seedThroughPorts>;

beforeAll(async () => {
  database = await createTestDatabase();
  other = new Database({ connectionString: database.url, applicationName: 'rowhook-other-relay' });
});
afterAll(async () => {
  await other?.close();
  await database?.drop();
});

beforeEach(async () => {
  seed = seedThroughPorts({
    subscriptions: new PgSubscriptionStore(database.db),
    outbox: new PgOutboxSource(database.db),
  });
  tenantId = unique('t');
  endpointId = (await seed.endpoint(tenantId))?.id ?? '';
  otherEndpointId = (await seed.endpoint(tenantId))?.id ?? '';
});

async function newDeliveries(count: number, endpointIds = [endpointId]): Promise<NewDelivery[]> {
  const list: NewDelivery[] = [];
  for (let n = 0; n < count; n++) {
    const body = `{"n":${n}}`;
    const eventId = await seed.event({ tenantId, type: 'order.created', body });
    for (const id of endpointIds)
      list.push({ eventId, endpointId: id, tenantId, eventType: 'order.created', body });
  }
  return list;
}

const sequences = async (endpoint: string) =>
  (
    await database.db.query<{ sequence: string }>(
      'select sequence from rowhook.deliveries where endpoint_id = $1 order by sequence',
      [endpoint],
    )
  ).map((r) => Number(r.sequence));

/** Resolves once a session of `pool` waits for a lock: the second enqueuer is blocked, for real. */
async function waitUntilBlocked(application: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await database.db.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where application_name = $1 and wait_event_type = 'Lock'`,
      [application],
    );
    if ((row?.n ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('the second enqueue never waited for the counter lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PgDeliveryQueue: per-endpoint sequence numbers', () => {
  it('numbers each endpoint from 1 without holes, in event order within a batch', async () => {
    const queue = new PgDeliveryQueue(database.db);
    const batch = await newDeliveries(3, [endpointId, otherEndpointId]);
    await queue.enqueue(batch);
    await queue.enqueue(await newDeliveries(2));
    expect(await sequences(endpointId)).toEqual([1, 2, 3, 4, 5]);
    expect(await sequences(otherEndpointId)).toEqual([1, 2, 3]);
    const feed = await new PgEventFeed(database.db).list(tenantId, otherEndpointId, { after: 0, limit: 10 });
    expect(feed.map((e) => e.eventId)).toEqual(batch.filter((_, i) => i % 2 === 1).map((d) => d.eventId));
    // Enqueueing the same pairs again adds nothing and uses no number.
    const again = await queue.enqueue(batch);
    expect(again.enqueued).toBe(0);
    await queue.enqueue(await newDeliveries(1));
    expect(await sequences(endpointId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('makes a second enqueuer wait for the first to commit, then number after it; readers never see the later number alone', async () => {
    const first = new PgDeliveryQueue(database.db);
    const second = new PgDeliveryQueue(other);
    const [a, b] = [await newDeliveries(2), await newDeliveries(3)];
    const feed = new PgEventFeed(database.db);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let enqueued = () => {};
    const firstEnqueued = new Promise<void>((resolve) => {
      enqueued = resolve;
    });
    const firstDone = database.db.transaction(async () => {
      await first.enqueue(a);
      enqueued();
      await held;
    });
    await firstEnqueued;
    // Until the first commits, the second waits on the counter row (checked, not assumed).
    const secondDone = other.transaction(() => second.enqueue(b));
    await waitUntilBlocked('rowhook-other-relay');
    expect(await feed.list(tenantId, endpointId, { after: 0, limit: 10 })).toEqual([]);
    release();
    await Promise.all([firstDone, secondDone]);
    const listed = await feed.list(tenantId, endpointId, { after: 0, limit: 10 });
    expect(listed.map((e) => [e.sequence, e.eventId])).toEqual(
      [...a, ...b].map((d, i) => [i + 1, d.eventId]),
    );
  });

  it('gives a rolled-back enqueue its numbers back: the next one starts where it started', async () => {
    const queue = new PgDeliveryQueue(database.db);
    await queue.enqueue(await newDeliveries(1));
    const doomed = await newDeliveries(2);
    await expect(
      database.db.transaction(async () => {
        await queue.enqueue(doomed);
        throw new Error('relay died before commit');
      }),
    ).rejects.toThrow('relay died before commit');
    await queue.enqueue(await newDeliveries(2));
    expect(await sequences(endpointId)).toEqual([1, 2, 3]);
  });
});
