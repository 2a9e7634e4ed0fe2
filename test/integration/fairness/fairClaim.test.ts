import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PgDeliveryQueue,
  type PgDeliveryQueueOptions,
} from '../../../functions/adapters/pg/PgDeliveryQueue.ts';
import type { ClaimedDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { countBy, createEndpoint, enqueueBacklog, manualClock } from './seedQueue.ts';

// Every claim below is made with a hand-moved clock: what is due, in flight or refilled depends
// on it alone, so the assertions are about order and counts, never about elapsed time.
const LEASE = 60_000;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

beforeEach(async () => {
  await database.db.query(
    `truncate rowhook.outbox, rowhook.deliveries, rowhook.delivery_lanes, rowhook.endpoints,
       rowhook.tenants cascade`,
  );
});

function setup(options: Partial<Omit<PgDeliveryQueueOptions, 'now'>> = {}) {
  const clock = manualClock();
  const queue = new PgDeliveryQueue(database.db, { ...options, now: clock.now });
  const { db } = database;
  return {
    clock,
    queue,
    endpoint: (tenant: string, id: string, settings?: Parameters<typeof createEndpoint>[3]) =>
      createEndpoint(db, tenant, id, settings),
    backlog: (tenant: string, endpoint: string, count: number) =>
      enqueueBacklog(db, queue, tenant, endpoint, count),
    deliverAll: (claimed: readonly ClaimedDelivery[]) =>
      queue.settle(claimed.map((delivery) => ({ delivery, kind: 'delivered' as const, status: 204 }))),
    failAll: (claimed: readonly ClaimedDelivery[]) =>
      queue.settle(
        claimed.map((delivery) => ({
          delivery,
          kind: 'retry' as const,
          delayMs: 0,
          status: null,
          error: 'timeout',
        })),
      ),
  };
}

describe('fair claims across tenants', () => {
  it("serves a tenant's 5 new deliveries in the first claim despite another tenant's older 10k backlog", async () => {
    const { clock, queue, endpoint, backlog, deliverAll } = setup();
    await endpoint('big', 'ep-big');
    await endpoint('small', 'ep-small');
    await backlog('big', 'ep-big', 10_000);
    clock.advance(60_000); // the backlog is a minute older: plain FIFO would serve all of it first
    await backlog('small', 'ep-small', 5);

    const first = await queue.claim(10, LEASE);
    expect(countBy(first, 'tenantId')).toEqual({ big: 5, small: 5 });
    // The big tenant keeps the whole pool once the small one has nothing left.
    await deliverAll(first);
    expect(countBy(await queue.claim(10, LEASE), 'tenantId')).toEqual({ big: 10 });
  });

  it('shares between tenants, not endpoints: a tenant with 3 endpoints gets no more than one with 1', async () => {
    const { queue, endpoint, backlog } = setup();
    for (const id of ['ep-a1', 'ep-a2', 'ep-a3']) {
      await endpoint('many', id);
      await backlog('many', id, 20);
    }
    await endpoint('one', 'ep-b');
    await backlog('one', 'ep-b', 20);

    const claimed = await queue.claim(4, LEASE);
    expect(countBy(claimed, 'tenantId')).toEqual({ many: 2, one: 2 });
    // Within the tenant, its endpoints take turns.
    expect(new Set(claimed.filter((d) => d.tenantId === 'many').map((d) => d.endpointId)).size).toBe(2);
  });

  it('rotates over tenants from one claim to the next (least recently served first)', async () => {
    const { queue, endpoint, backlog, deliverAll } = setup();
    for (const tenant of ['t1', 't2', 't3']) {
      await endpoint(tenant, `ep-${tenant}`);
      await backlog(tenant, `ep-${tenant}`, 10);
    }
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const claimed = await queue.claim(1, LEASE);
      served.push(...claimed.map((d) => d.tenantId));
      await deliverAll(claimed);
    }
    expect(served.slice(0, 3).sort()).toEqual(['t1', 't2', 't3']);
    expect(served.slice(3)).toEqual(served.slice(0, 3));
  });

  it('serves oldest first within an endpoint', async () => {
    const { clock, queue, endpoint, backlog } = setup();
    await endpoint('t', 'ep');
    await backlog('t', 'ep', 3);
    const older = await database.db.query<{ id: string }>('select id from rowhook.deliveries');
    clock.advance(1_000);
    await backlog('t', 'ep', 3);
    const claimed = await queue.claim(3, LEASE);
    expect(claimed.map((d) => d.id).sort()).toEqual(older.map((d) => d.id).sort());
  });
  it('serves deliveries written without their lane (not through enqueue) from the next claim on', async () => {
    const { queue, endpoint, backlog } = setup();
    await endpoint('t', 'ep');
    await backlog('t', 'ep', 2);
    await database.db.query('delete from rowhook.delivery_lanes');
    expect(await queue.claim(10, LEASE)).toEqual([]);
    expect(await queue.claim(10, LEASE)).toHaveLength(2);
  });
});

describe('per-endpoint concurrency cap', () => {
  it('keeps a black-holed endpoint to its cap while other tenants keep being served', async () => {
    const { clock, queue, endpoint, backlog, deliverAll } = setup();
    await endpoint('noisy', 'ep-hole', { maxConcurrency: 2 });
    await backlog('noisy', 'ep-hole', 100);
    await endpoint('quiet', 'ep-ok');
    await backlog('quiet', 'ep-ok', 25);

    // The black hole never answers: its claims are never settled. The quiet tenant's are.
    const claimed: ClaimedDelivery[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = await queue.claim(8, LEASE);
      claimed.push(...batch);
      await deliverAll(batch.filter((d) => d.endpointId === 'ep-ok'));
      clock.advance(1_000);
    }
    expect(countBy(claimed, 'endpointId')).toEqual({ 'ep-hole': 2, 'ep-ok': 25 });

    // Once their lease runs out (the worker died, say), the two hung attempts count no more: two
    // more go out, and still no more than two.
    clock.advance(LEASE);
    expect(countBy(await queue.claim(8, LEASE), 'endpointId')).toEqual({ 'ep-hole': 2 });
    expect(await queue.claim(8, LEASE)).toEqual([]);
  });

  it('applies the runtime default to endpoints that set no cap', async () => {
    const { queue, endpoint, backlog, deliverAll } = setup({ endpointConcurrency: 3 });
    await endpoint('t', 'ep');
    await backlog('t', 'ep', 10);
    const first = await queue.claim(10, LEASE);
    expect(first).toHaveLength(3);
    expect(await queue.claim(10, LEASE)).toEqual([]);
    // A settled attempt frees its slot at once.
    await deliverAll(first.slice(0, 1));
    expect(await queue.claim(10, LEASE)).toHaveLength(1);
  });

  it('never exceeds the cap with several claimers at once, and gives them disjoint deliveries', async () => {
    const { queue, endpoint, backlog } = setup();
    await endpoint('t1', 'ep-capped', { maxConcurrency: 3 });
    await backlog('t1', 'ep-capped', 50);
    await endpoint('t2', 'ep-other', { maxConcurrency: 20 });
    await backlog('t2', 'ep-other', 12);

    const batches = await Promise.all(Array.from({ length: 8 }, () => queue.claim(5, LEASE)));
    const claimed = batches.flat();
    expect(new Set(claimed.map((d) => d.id)).size).toBe(claimed.length);
    expect(countBy(claimed, 'endpointId')['ep-capped'] ?? 0).toBeLessThanOrEqual(3);

    // Whatever a claimer skipped (lane locked by another) is still there for the next one.
    for (let i = 0; i < 10; i++) claimed.push(...(await queue.claim(5, LEASE)));
    expect(countBy(claimed, 'endpointId')).toEqual({ 'ep-capped': 3, 'ep-other': 12 });
  });
});

describe('circuit breaker', () => {
  it('gives an endpoint failing 5 times in a row one probe in flight until an attempt succeeds', async () => {
    const { queue, endpoint, backlog, failAll, deliverAll } = setup({ breakerFailures: 5 });
    await endpoint('t', 'ep', { maxConcurrency: 10 });
    await backlog('t', 'ep', 40);

    // Four failures: not yet.
    const four = await queue.claim(4, LEASE);
    await failAll(four);
    const more = await queue.claim(10, LEASE);
    expect(more).toHaveLength(10);
    await failAll(more.slice(0, 1));
    await failAll(more.slice(1));

    // Open: one probe at a time, however many are due and however often we ask.
    const probe = await queue.claim(10, LEASE);
    expect(probe).toHaveLength(1);
    expect(await queue.claim(10, LEASE)).toEqual([]);
    await failAll(probe);
    const secondProbe = await queue.claim(10, LEASE);
    expect(secondProbe).toHaveLength(1);

    // A success closes it: the full cap again.
    await deliverAll(secondProbe);
    expect(await queue.claim(10, LEASE)).toHaveLength(10);
  });

  it('counts only failures after the last success of a batch', async () => {
    const { queue, endpoint, backlog, failAll } = setup({ breakerFailures: 3 });
    await endpoint('t', 'ep', { maxConcurrency: 10 });
    await backlog('t', 'ep', 30);
    const claimed = await queue.claim(10, LEASE);
    // fail, fail, fail, success, fail: the streak is 1 after this batch, the breaker stays closed.
    const [a, b, c, d, e] = claimed as [
      ClaimedDelivery,
      ClaimedDelivery,
      ClaimedDelivery,
      ClaimedDelivery,
      ClaimedDelivery,
    ];
    const fail = (delivery: ClaimedDelivery) =>
      ({ delivery, kind: 'retry', delayMs: 0, status: 500, error: 'HTTP 500' }) as const;
    await queue.settle([fail(a), fail(b), fail(c), { delivery: d, kind: 'delivered', status: 200 }, fail(e)]);
    await failAll(claimed.slice(5, 6));
    // Streak 2 < 3: still up to the cap (10 minus the 4 unsettled).
    expect(await queue.claim(10, LEASE)).toHaveLength(6);
  });

  it('ignores a stale settlement when counting failures', async () => {
    const { clock, queue, endpoint, backlog, failAll } = setup();
    await endpoint('t', 'ep', { maxConcurrency: 5 });
    await backlog('t', 'ep', 5);
    const streak = async () =>
      (
        await database.db.query<{ n: number }>('select consecutive_failures as n from rowhook.delivery_lanes')
      )[0]?.n;
    const stale = await queue.claim(5, 1_000);
    clock.advance(2_000);
    const fresh = await queue.claim(5, LEASE);
    expect(fresh.map((d) => d.attempt)).toEqual([2, 2, 2, 2, 2]);

    // The late workers report failures of attempts that were claimed again since: no effect.
    await failAll(stale);
    expect(await streak()).toBe(0);
    await failAll(fresh);
    expect(await streak()).toBe(5);
  });
});

describe('rate limit', () => {
  it('lets an endpoint with rateLimitPerSecond N take at most N claims per second after its first burst', async () => {
    const { clock, queue, endpoint, backlog, deliverAll } = setup();
    await endpoint('t', 'ep-limited', { maxConcurrency: 100, rateLimitPerSecond: 5 });
    await backlog('t', 'ep-limited', 200);
    await endpoint('u', 'ep-free', { maxConcurrency: 100 });
    await backlog('u', 'ep-free', 200);

    const perSecond: number[] = [];
    let free = 0;
    // Claims every 100 ms for 10 s of the test's clock; every attempt answers at once.
    for (let tick = 0; tick < 100; tick++) {
      const claimed = await queue.claim(50, LEASE);
      const second = Math.floor(tick / 10);
      perSecond[second] = (perSecond[second] ?? 0) + (countBy(claimed, 'endpointId')['ep-limited'] ?? 0);
      free += countBy(claimed, 'endpointId')['ep-free'] ?? 0;
      await deliverAll(claimed);
      clock.advance(100);
    }
    // A full bucket (one second's worth) at first, then the refill rate.
    expect(perSecond[0]).toBe(5 + 4);
    expect(perSecond.slice(1)).toEqual(Array(9).fill(5));
    // The limit is the endpoint's own: the other endpoint was never held to it.
    expect(free).toBe(200);
  });
});
