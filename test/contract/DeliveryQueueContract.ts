import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimedDelivery, DeliveryQueue, NewDelivery } from '../../functions/ports/DeliveryQueue.ts';
import { type ContractContextBase, type Seeder, sleep, unique } from './contractSupport.ts';

export interface DeliveryQueueContext extends ContractContextBase {
  queue: DeliveryQueue;
  /** Deliveries point at an event (whose body the queue hands out) and an endpoint. */
  seed: Seeder;
}

const LONG_LEASE = 60_000;
const SHORT_LEASE = 200;
/** Comfortably past SHORT_LEASE, allowing for clock granularity and a slow CI machine. */
const PAST_SHORT_LEASE = 350;

const pair = (d: { eventId: string; endpointId: string }) => `${d.eventId}|${d.endpointId}`;

export function deliveryQueueContract(name: string, makeContext: () => Promise<DeliveryQueueContext>) {
  describe(`${name} satisfies DeliveryQueue`, () => {
    let ctx: DeliveryQueueContext;
    let queue: DeliveryQueue;

    beforeEach(async () => {
      ctx = await makeContext();
      queue = ctx.queue;
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    interface Seeded extends Omit<NewDelivery, 'eventType'> {
      type: string;
    }

    /** `events` events, each meant for every one of `endpoints` endpoints of one tenant. */
    async function seed(events: number, endpoints = 1): Promise<Seeded[]> {
      const tenantId = unique('t');
      const endpointIds: string[] = [];
      for (let i = 0; i < endpoints; i++) endpointIds.push((await ctx.seed.endpoint(tenantId)).id);
      const out: Seeded[] = [];
      for (let i = 0; i < events; i++) {
        const type = i % 2 === 0 ? 'order.created' : 'order.updated';
        const body = `{"type":"${type}","data":{"n":${i},"big":12345678901234567890}}`;
        const eventId = await ctx.seed.event({ tenantId, type, body });
        for (const endpointId of endpointIds) out.push({ eventId, endpointId, tenantId, type, body });
      }
      return out;
    }

    const asNew = (s: readonly Seeded[]): NewDelivery[] =>
      s.map(({ eventId, endpointId, tenantId, type, body }) => ({
        eventId,
        endpointId,
        tenantId,
        eventType: type,
        body,
      }));

    async function enqueued(events: number, endpoints = 1) {
      const seeded = await seed(events, endpoints);
      expect(await queue.enqueue(asNew(seeded))).toEqual({ enqueued: seeded.length, rejected: [] });
      return seeded;
    }

    /** Claims until the queue has nothing due; fails if it never runs dry. */
    async function drain(leaseMs = LONG_LEASE) {
      const all: ClaimedDelivery[] = [];
      for (let i = 0; i < 50; i++) {
        const batch = await queue.claim(10, leaseMs);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
      throw new Error('the queue never ran dry');
    }

    describe('enqueue', () => {
      it('adds each (event, endpoint) once and returns how many it actually added', async () => {
        const seeded = await seed(2, 2);
        const [a, b, c, d] = asNew(seeded) as [NewDelivery, NewDelivery, NewDelivery, NewDelivery];
        expect((await queue.enqueue([a, b, c])).enqueued).toBe(3);
        expect((await queue.enqueue([a, b, c])).enqueued).toBe(0);
        expect((await queue.enqueue([b, d])).enqueued).toBe(1);
        expect(await queue.enqueue([])).toEqual({ enqueued: 0, rejected: [] });

        const claimed = await drain();
        expect(claimed.map(pair).sort()).toEqual(seeded.map(pair).sort());
        expect(new Set(claimed.map((x) => x.id)).size).toBe(4);
      });

      it('counts a delivery repeated within one batch once', async () => {
        const [one] = asNew(await seed(1));
        expect((await queue.enqueue([one as NewDelivery, one as NewDelivery])).enqueued).toBe(1);
        expect(await drain()).toHaveLength(1);
      });

      it('adds nothing when re-enqueueing a delivery that was already settled', async () => {
        const seeded = await enqueued(1);
        const [claimed] = await queue.claim(10, LONG_LEASE);
        await queue.settle([{ delivery: claimed as ClaimedDelivery, kind: 'delivered', status: 200 }]);
        expect((await queue.enqueue(asNew(seeded))).enqueued).toBe(0);
        expect(await drain()).toEqual([]);
      });
    });

    describe('claim', () => {
      it('hands out due deliveries with their event, starting at attempt 1', async () => {
        const seeded = await enqueued(2, 2);
        const claimed = await queue.claim(10, LONG_LEASE);
        expect(claimed).toHaveLength(4);
        const byPair = new Map(claimed.map((x) => [pair(x), x]));
        for (const s of seeded) {
          expect(byPair.get(pair(s))).toEqual({
            id: expect.any(String),
            eventId: s.eventId,
            endpointId: s.endpointId,
            tenantId: s.tenantId,
            eventType: s.type,
            body: s.body,
            attempt: 1,
            receipt: expect.any(String),
            sequence: expect.any(Number),
          });
        }
        expect(new Set(claimed.map((x) => x.id)).size).toBe(4);
        // Numbered per endpoint from 1, in event order.
        for (const endpointId of new Set(seeded.map((s) => s.endpointId))) {
          const mine = seeded.filter((s) => s.endpointId === endpointId);
          expect(mine.map((s) => byPair.get(pair(s))?.sequence)).toEqual(mine.map((_, i) => i + 1));
        }
      });

      it('takes at most `limit`', async () => {
        await enqueued(3);
        expect(await queue.claim(2, LONG_LEASE)).toHaveLength(2);
        expect(await queue.claim(2, LONG_LEASE)).toHaveLength(1);
        expect(await queue.claim(2, LONG_LEASE)).toEqual([]);
      });

      it('returns nothing from an empty queue', async () => {
        expect(await queue.claim(10, LONG_LEASE)).toEqual([]);
      });

      it('hides claimed deliveries until the lease runs out, then hands them out with the next attempt', async () => {
        await enqueued(2);
        const first = await queue.claim(10, SHORT_LEASE);
        expect(first.map((x) => x.attempt)).toEqual([1, 1]);
        expect(await queue.claim(10, SHORT_LEASE)).toEqual([]);

        await sleep(PAST_SHORT_LEASE);
        const second = await queue.claim(10, LONG_LEASE);
        expect(second.map(pair).sort()).toEqual(first.map(pair).sort());
        const firstByPair = new Map(first.map((x) => [pair(x), x]));
        for (const again of second) {
          // Same delivery (same id, which settlements and the delivery log key on), next attempt.
          expect(again).toEqual({ ...firstByPair.get(pair(again)), attempt: 2, receipt: expect.any(String) });
        }
        expect(await queue.claim(10, LONG_LEASE)).toEqual([]);
      });

      it('gives concurrent claimers disjoint deliveries', async () => {
        const claimers = 8;
        // Warm-up round on the empty queue, so the rounds below really run side by side
        // (e.g. a connection pool has its connections open by then).
        expect(
          (await Promise.all(Array.from({ length: claimers }, () => queue.claim(5, LONG_LEASE)))).flat(),
        ).toEqual([]);
        const seeded: Seeded[] = [];
        const claimed: ClaimedDelivery[] = [];
        for (let round = 0; round < 4; round++) {
          seeded.push(...(await enqueued(24)));
          const batches = await Promise.all(
            Array.from({ length: claimers }, () => queue.claim(5, LONG_LEASE)),
          );
          for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(5);
          claimed.push(...batches.flat());
          const ids = claimed.map((x) => x.id);
          expect(ids.length - new Set(ids).size).toBe(0);
        }
        claimed.push(...(await drain()));
        expect(claimed.map(pair).sort()).toEqual(seeded.map(pair).sort());
        expect(claimed.every((x) => x.attempt === 1)).toBe(true);
      });
    });

    describe('settle', () => {
      it('hides a retried delivery until its delay has passed, then hands it out again', async () => {
        await enqueued(1);
        const [claimed] = (await queue.claim(10, LONG_LEASE)) as [ClaimedDelivery];
        await queue.settle([
          { delivery: claimed, kind: 'retry', delayMs: SHORT_LEASE, status: 503, error: 'HTTP 503' },
        ]);
        expect(await queue.claim(10, LONG_LEASE)).toEqual([]);

        // The retry delay replaces the long lease: it comes back after the delay, not the lease.
        await sleep(PAST_SHORT_LEASE);
        const again = await queue.claim(10, LONG_LEASE);
        expect(again).toEqual([{ ...claimed, attempt: 2, receipt: expect.any(String) }]);
      });

      it('hands out a delivery retried with no delay at once', async () => {
        await enqueued(1);
        const [claimed] = (await queue.claim(10, LONG_LEASE)) as [ClaimedDelivery];
        await queue.settle([
          { delivery: claimed, kind: 'retry', delayMs: 0, status: null, error: 'timeout' },
        ]);
        expect(await queue.claim(10, LONG_LEASE)).toEqual([
          { ...claimed, attempt: 2, receipt: expect.any(String) },
        ]);
      });

      it('removes delivered, dead and discarded deliveries from the queue, keeping the others', async () => {
        await enqueued(4);
        const claimed = (await queue.claim(10, SHORT_LEASE)) as ClaimedDelivery[];
        expect(claimed).toHaveLength(4);
        const [delivered, dead, discarded, untouched] = claimed as [
          ClaimedDelivery,
          ClaimedDelivery,
          ClaimedDelivery,
          ClaimedDelivery,
        ];
        await queue.settle([
          { delivery: delivered, kind: 'delivered', status: 204 },
          { delivery: dead, kind: 'dead', status: 500, error: 'HTTP 500' },
          { delivery: discarded, kind: 'discarded', error: 'endpoint was deleted' },
        ]);
        await sleep(PAST_SHORT_LEASE);
        // Only the unsettled one comes back once the lease is over.
        expect(await drain()).toEqual([{ ...untouched, attempt: 2, receipt: expect.any(String) }]);
      });

      it('accepts an empty batch', async () => {
        expect((await queue.settle([])).applied.size).toBe(0);
      });

      it('ignores a stale settlement from an attempt whose lease ran out', async () => {
        await enqueued(1);
        const [stale] = (await queue.claim(10, SHORT_LEASE)) as [ClaimedDelivery];
        await sleep(PAST_SHORT_LEASE);
        const [fresh] = (await queue.claim(10, LONG_LEASE)) as [ClaimedDelivery];
        expect(fresh).toEqual({ ...stale, attempt: 2, receipt: expect.any(String) });
        expect(fresh.receipt).not.toBe(stale.receipt);

        // The slow first worker reports late; the second attempt is the one that decides.
        const late = await queue.settle([
          { delivery: stale, kind: 'retry', delayMs: 0, status: 503, error: 'late' },
        ]);
        expect(late.applied.has(stale.id)).toBe(false);
        expect(await queue.claim(10, LONG_LEASE)).toEqual([]);
        await queue.settle([{ delivery: stale, kind: 'delivered', status: 200 }]);
        await queue.settle([{ delivery: stale, kind: 'dead', status: 500, error: 'late' }]);

        // Still in the queue under the second attempt: a fresh retry brings it straight back.
        const current = await queue.settle([
          { delivery: fresh, kind: 'retry', delayMs: 0, status: 503, error: 'HTTP 503' },
        ]);
        expect([...current.applied]).toEqual([fresh.id]);
        expect(await queue.claim(10, LONG_LEASE)).toEqual([
          { ...stale, attempt: 3, receipt: expect.any(String) },
        ]);
      });

      it('ignores a second settlement of the same attempt', async () => {
        await enqueued(1);
        const [claimed] = (await queue.claim(10, LONG_LEASE)) as [ClaimedDelivery];
        await queue.settle([{ delivery: claimed, kind: 'delivered', status: 200 }]);
        await queue.settle([{ delivery: claimed, kind: 'retry', delayMs: 0, status: 503, error: 'again' }]);
        expect(await queue.claim(10, LONG_LEASE)).toEqual([]);
      });
    });
  });
}
