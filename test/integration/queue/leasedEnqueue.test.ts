import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgDeliveryQueue } from '../../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgOutboxSource } from '../../../functions/adapters/pg/PgOutboxSource.ts';
import { PgSubscriptionStore } from '../../../functions/adapters/pg/PgSubscriptionStore.ts';
import type { NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { seedThroughPorts, unique } from '../../contract/contractSupport.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// The relay's handover to its own process's worker (PgDeliveryQueue.enqueue with a lease) and the
// worker's release of what it did not start: the queue side of the in-memory fast path.
let database: TestDatabase;
let clock: Date;
let queue: PgDeliveryQueue;
let deliveries: NewDelivery[];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

beforeEach(async () => {
  const { db } = database;
  await db.query('truncate rowhook.outbox, rowhook.deliveries, rowhook.delivery_lanes');
  clock = new Date('2026-12-03T10:00:00.000Z');
  queue = new PgDeliveryQueue(db, { endpointConcurrency: 100, now: () => clock });
  const seed = seedThroughPorts({
    subscriptions: new PgSubscriptionStore(db),
    outbox: new PgOutboxSource(db),
  });
  const tenantId = unique('t');
  const [fast, slow] = [await seed.endpoint(tenantId), await seed.endpoint(tenantId)];
  deliveries = [];
  for (let n = 0; n < 3; n++) {
    const body = `{"n":${n}}`;
    const eventId = await seed.event({ tenantId, type: 'order.created', body });
    for (const endpoint of [fast, slow]) {
      deliveries.push({
        eventId,
        endpointId: endpoint?.id ?? '',
        tenantId,
        eventType: 'order.created',
        body,
      });
    }
  }
});

const later = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

describe('PgDeliveryQueue: deliveries leased to the enqueuer', () => {
  it('returns the wanted ones claimed (attempt 1, a receipt) and leaves the rest due for any claimer', async () => {
    const fastId = deliveries[0]?.endpointId;
    const result = await queue.enqueue(deliveries, {
      lease: { leaseMs: 10_000, wants: (d) => d.endpointId === fastId },
    });
    expect(result.enqueued).toBe(6);
    expect(result.leased?.map((d) => [d.endpointId, d.attempt, d.body])).toEqual(
      deliveries.filter((d) => d.endpointId === fastId).map((d) => [fastId, 1, d.body]),
    );
    expect(new Set(result.leased?.map((d) => d.receipt)).size).toBe(3);
    // Only the slow endpoint's deliveries are due; the leased ones are hidden until the lease ends.
    const claimed = await queue.claim(10, 10_000);
    expect(claimed.map((d) => d.endpointId)).toEqual([
      deliveries[1]?.endpointId,
      deliveries[1]?.endpointId,
      deliveries[1]?.endpointId,
    ]);
    const leased = result.leased ?? [];
    const settled = await queue.settle(
      leased.map((d) => ({ delivery: d, kind: 'delivered' as const, status: 204 })),
    );
    expect([...settled.applied].sort()).toEqual(leased.map((d) => d.id).sort());
  });

  it('hands a leased delivery out again, as attempt 2, once its lease has run out', async () => {
    const result = await queue.enqueue(deliveries.slice(0, 1), {
      lease: { leaseMs: 1_000, wants: () => true },
    });
    expect(await queue.claim(10, 1_000)).toEqual([]);
    later(1_001);
    const [again] = await queue.claim(10, 1_000);
    expect(again).toMatchObject({ id: result.leased?.[0]?.id, attempt: 2 });
    expect(again?.receipt).not.toBe(result.leased?.[0]?.receipt);
  });

  it('takes a released delivery back at once without counting the attempt, and ignores a stale release', async () => {
    const { leased = [] } = await queue.enqueue(deliveries.slice(0, 2), {
      lease: { leaseMs: 60_000, wants: () => true },
    });
    const [first, second] = leased;
    if (!first || !second) throw new Error('nothing leased');
    await queue.release([first, { ...second, receipt: '00000000-0000-4000-8000-000000000000' }]);
    const claimed = await queue.claim(10, 60_000);
    expect(claimed.map((d) => [d.id, d.attempt])).toEqual([[first.id, 1]]);
    // The released claim is over: settling with its receipt changes nothing.
    expect((await queue.settle([{ delivery: first, kind: 'delivered', status: 200 }])).applied.size).toBe(0);
  });

  it('leases nothing for an endpoint that has deliveries due in the queue, so fresh ones never pass them', async () => {
    const [first, ...rest] = deliveries.filter((d) => d.endpointId === deliveries[0]?.endpointId);
    if (!first) throw new Error('no deliveries');
    await queue.enqueue([first]); // due now, waiting for a claim (a retry or a redrive would be too)
    const result = await queue.enqueue(rest, { lease: { leaseMs: 60_000, wants: () => true } });
    expect(result).toMatchObject({ enqueued: rest.length, leased: [] });
    expect((await queue.claim(10, 60_000)).map((d) => d.eventId)).toEqual(
      [first, ...rest].map((d) => d.eventId),
    );
  });

  it('leases nothing for an endpoint whose breaker is open or that has a rate limit: claims decide for them', async () => {
    const [fastId, slowId] = [deliveries[0]?.endpointId, deliveries[1]?.endpointId];
    await database.db.query(
      'update rowhook.delivery_lanes set consecutive_failures = 5 where endpoint_id = $1',
      [fastId],
    );
    await database.db.query(
      `insert into rowhook.delivery_lanes (endpoint_id, tenant_id, consecutive_failures)
       values ($1, 'x', 5) on conflict (endpoint_id) do update set consecutive_failures = 5`,
      [fastId],
    );
    await database.db.query('update rowhook.endpoints set rate_limit_per_second = 5 where id = $1', [slowId]);
    const result = await queue.enqueue(deliveries, { lease: { leaseMs: 60_000, wants: () => true } });
    expect(result).toMatchObject({ enqueued: 6, leased: [] });
  });
});
