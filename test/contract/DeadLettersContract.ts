import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterFilter, DeadLetters } from '../../functions/ports/DeadLetters.ts';
import type { ClaimedDelivery, DeliveryQueue } from '../../functions/ports/DeliveryQueue.ts';
import {
  type Capability,
  type ContractContextBase,
  collectPages,
  type EndpointSeeder,
  type EventSeeder,
  notSupportedBy,
  type Seeder,
  sleep,
  unique,
} from './contractSupport.ts';

/** A delivery of a new event that failed `attempts` times, the last time for good. */
export interface DeadLetterSpec {
  tenantId: string;
  endpointId: string;
  type: string;
  body: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string;
}

export interface DeadLetterSeeder extends EndpointSeeder {
  /**
   * Makes dead letters the way this runtime's deliverer does (locally: claim and settle through the
   * queue; on AWS: the settler's recorder), all given up on in one settlement. Returns each one's
   * event id, in order.
   */
  deadLetters(specs: readonly DeadLetterSpec[]): Promise<string[]>;
  /**
   * Deliveries that exist but are not dead letters: one waiting (due now) for its second attempt,
   * one delivered, and one discarded because its endpoint was deleted.
   */
  liveDeliveries(
    tenantId: string,
    endpointIds: { pending: string; delivered: string; discarded: string },
  ): Promise<{ pending: ClaimedDelivery; delivered: { id: string }; discarded: { id: string } }>;
}

/** Where a redriven delivery shows up: the runtime's delivery queue, as the deliverer sees it. */
export interface RedeliveryProbe {
  /** Takes every delivery due for an attempt now (for an adapter's queue: claims it). */
  takeDue(): Promise<ClaimedDelivery[]>;
  /** The deliverer gives up on a delivery it took: it becomes a dead letter again. */
  giveUp(delivery: ClaimedDelivery, status: number | null, error: string): Promise<void>;
}

export interface DeadLettersContext extends ContractContextBase {
  deadLetters: DeadLetters;
  seed: DeadLetterSeeder;
  deliveries: RedeliveryProbe;
  /**
   * A queue whose leases can run out mid-attempt (a table-backed queue), for the late-settlement
   * test; required when the adapter declares `leases: true`. On AWS a message stays invisible
   * for longer than the deliver Lambda may run, so no attempt reports after another has started.
   */
  leased?: { queue: DeliveryQueue; seed: EventSeeder };
}

export interface DeadLettersCapabilities {
  /**
   * Leases that can run out mid-attempt, so an attempt may report after another has started: the
   * late-settlement cases run against `leased`.
   */
  leases: Capability;
}

const LONG_LEASE = 60_000;
const SHORT_LEASE = 200;
const PAST_SHORT_LEASE = 350;

/**
 * The seeder and probe for a runtime whose deliverer works through a DeliveryQueue (claim, then
 * settle), as the local runtime does.
 */
export function deadLettersThroughQueue(
  queue: DeliveryQueue,
  seed: Seeder,
): { seed: DeadLetterSeeder; deliveries: RedeliveryProbe } {
  async function claimOnly(eventId: string, endpointId: string) {
    const claimed = await queue.claim(10, LONG_LEASE);
    expect(claimed.map((c) => [c.eventId, c.endpointId])).toEqual([[eventId, endpointId]]);
    return claimed[0] as ClaimedDelivery;
  }

  async function enqueueOne(tenantId: string, endpointId: string, type: string, body = bodyOf(type)) {
    const eventId = await seed.event({ tenantId, type, body });
    expect(await queue.enqueue([{ eventId, endpointId, tenantId, eventType: type, body }])).toEqual({
      enqueued: 1,
      rejected: [],
    });
    return { eventId, body };
  }

  return {
    deliveries: {
      takeDue: () => queue.claim(10, LONG_LEASE),
      giveUp: async (delivery, status, error) => {
        await queue.settle([{ delivery, kind: 'dead', status, error }]);
      },
    },
    seed: {
      endpoint: (tenantId, endpointId) => seed.endpoint(tenantId, endpointId),

      async deadLetters(specs) {
        if (specs.length === 1) {
          // Through `attempts` failed attempts, the last one settled as dead.
          const [spec] = specs as [DeadLetterSpec];
          const { eventId } = await enqueueOne(spec.tenantId, spec.endpointId, spec.type, spec.body);
          for (let n = 1; n < spec.attempts; n++) {
            const claimed = await claimOnly(eventId, spec.endpointId);
            await queue.settle([
              { delivery: claimed, kind: 'retry', delayMs: 0, status: 502, error: 'HTTP 502' },
            ]);
          }
          const claimed = await claimOnly(eventId, spec.endpointId);
          expect(claimed.attempt).toBe(spec.attempts);
          await queue.settle([
            { delivery: claimed, kind: 'dead', status: spec.lastStatus, error: spec.lastError },
          ]);
          return [eventId];
        }
        // Several first attempts given up on in one settlement.
        expect(specs.every((spec) => spec.attempts === 1)).toBe(true);
        const eventIds: string[] = [];
        for (const spec of specs)
          eventIds.push((await enqueueOne(spec.tenantId, spec.endpointId, spec.type, spec.body)).eventId);
        // Others due (e.g. a pending retry) are claimed too, as a worker would, and left to their lease.
        const claimed = (await queue.claim(specs.length + 10, LONG_LEASE)).filter((c) =>
          eventIds.includes(c.eventId),
        );
        expect(claimed.map((c) => c.eventId).sort()).toEqual([...eventIds].sort());
        await queue.settle(
          claimed.map((delivery) => {
            const spec = specs[eventIds.indexOf(delivery.eventId)] as DeadLetterSpec;
            return { delivery, kind: 'dead', status: spec.lastStatus, error: spec.lastError } as const;
          }),
        );
        return eventIds;
      },

      async liveDeliveries(tenantId, endpoints) {
        const d = await enqueueOne(tenantId, endpoints.delivered, 'order.created');
        const delivered = await claimOnly(d.eventId, endpoints.delivered);
        await queue.settle([{ delivery: delivered, kind: 'delivered', status: 200 }]);
        const x = await enqueueOne(tenantId, endpoints.discarded, 'order.created');
        const discarded = await claimOnly(x.eventId, endpoints.discarded);
        await queue.settle([{ delivery: discarded, kind: 'discarded', error: 'endpoint was deleted' }]);
        // Left due again for its second attempt.
        const p = await enqueueOne(tenantId, endpoints.pending, 'order.created');
        const claimed = await claimOnly(p.eventId, endpoints.pending);
        await queue.settle([
          { delivery: claimed, kind: 'retry', delayMs: 0, status: 503, error: 'HTTP 503' },
        ]);
        return { pending: { ...claimed, attempt: 2 }, delivered, discarded };
      },
    },
  };
}

const bodyOf = (type: string) => `{"type":"${type}","data":{"id":"${randomUUID()}"}}`;

interface Fixture extends DeadLetterSpec {
  eventId: string;
}

export function deadLettersContract(
  name: string,
  makeContext: () => Promise<DeadLettersContext>,
  capabilities: DeadLettersCapabilities,
) {
  describe(`${name} satisfies DeadLetters`, () => {
    let ctx: DeadLettersContext;
    let deadLetters: DeadLetters;
    let deliveries: RedeliveryProbe;

    let t1: string;
    let t2: string;
    let e1: string;
    let e2: string;
    let e3: string;
    /** Keyed d1..d5; see beforeEach. */
    let dead: Map<string, Fixture>;
    /** A delivery waiting for its second attempt, and one delivered: neither is a dead letter. */
    let pending: ClaimedDelivery;
    let delivered: { id: string };
    /** Settled as discarded (its endpoint was deleted): not a dead letter either. */
    let discarded: { id: string };

    async function makeDead(
      tenantId: string,
      endpointId: string,
      type: string,
      attempts = 1,
      lastStatus: number | null = 500,
      lastError = 'HTTP 500',
    ): Promise<Fixture> {
      const spec = { tenantId, endpointId, type, body: bodyOf(type), attempts, lastStatus, lastError };
      const [eventId] = (await ctx.seed.deadLetters([spec])) as [string];
      return { ...spec, eventId };
    }

    beforeEach(async () => {
      ctx = await makeContext();
      deadLetters = ctx.deadLetters;
      deliveries = ctx.deliveries;
      t1 = unique('t1');
      t2 = unique('t2');
      e1 = (await ctx.seed.endpoint(t1)).id;
      e2 = (await ctx.seed.endpoint(t1)).id;
      e3 = (await ctx.seed.endpoint(t2)).id;
      dead = new Map([
        ['d1', await makeDead(t1, e1, 'order.created')],
        ['d2', await makeDead(t1, e1, 'order.updated', 2, 410, 'HTTP 410')],
        ['d3', await makeDead(t1, e2, 'order.created')],
        ['d4', await makeDead(t2, e3, 'order.created')],
        ['d5', await makeDead(t2, e3, 'order.updated', 3, null, 'timeout after 10 s')],
      ]);
      // Every test starts with exactly `pending` due.
      ({ pending, delivered, discarded } = await ctx.seed.liveDeliveries(t1, {
        delivered: e1,
        discarded: e2,
        pending: e1,
      }));
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    const fixture = (key: string) => dead.get(key) as Fixture;
    const keyOf = (letter: DeadLetter) =>
      [...dead.entries()].find(
        ([, f]) => f.eventId === letter.eventId && f.endpointId === letter.endpointId,
      )?.[0] ?? `unknown:${letter.eventId}`;

    async function listAll(filter: DeadLetterFilter, limit = 100) {
      return (await collectPages((page) => deadLetters.list(filter, page), limit)).items;
    }

    async function listKeys(filter: DeadLetterFilter) {
      return (await listAll(filter)).map(keyOf).sort();
    }

    async function idOf(key: string) {
      const letter = (await listAll({})).find((l) => keyOf(l) === key);
      if (!letter) throw new Error(`${key} is not listed`);
      return letter.id;
    }

    it('lists every dead-lettered delivery with how it failed', async () => {
      const letters = await listAll({});
      expect(letters.map(keyOf).sort()).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
      for (const letter of letters) {
        const f = fixture(keyOf(letter));
        expect(letter).toEqual({
          id: expect.any(String),
          tenantId: f.tenantId,
          endpointId: f.endpointId,
          eventId: f.eventId,
          eventType: f.type,
          failedAt: expect.any(Date),
          attempts: f.attempts,
          lastStatus: f.lastStatus,
          lastError: f.lastError,
          // Exact classes: DeadLetterViewsContract.ts.
          errorClass: expect.any(String),
        });
        expect(Math.abs(letter.failedAt.getTime() - Date.now())).toBeLessThan(60_000);
      }
      expect(new Set(letters.map((l) => l.id)).size).toBe(5);
    });

    it('filters by tenant, endpoint and event type, alone or together', async () => {
      expect(await listKeys({ tenantId: t1 })).toEqual(['d1', 'd2', 'd3']);
      expect(await listKeys({ tenantId: t2 })).toEqual(['d4', 'd5']);
      expect(await listKeys({ endpointId: e1 })).toEqual(['d1', 'd2']);
      expect(await listKeys({ endpointId: e3 })).toEqual(['d4', 'd5']);
      expect(await listKeys({ eventType: 'order.created' })).toEqual(['d1', 'd3', 'd4']);
      expect(await listKeys({ tenantId: t1, eventType: 'order.updated' })).toEqual(['d2']);
      expect(await listKeys({ tenantId: t2, endpointId: e3, eventType: 'order.created' })).toEqual(['d4']);
      expect(await listKeys({ tenantId: t2, endpointId: e1 })).toEqual([]);
      expect(await listKeys({ tenantId: 'no-such-tenant' })).toEqual([]);
      expect(await listKeys({ eventType: 'order' })).toEqual([]);
    });

    for (const limit of [1, 2, 5]) {
      it(`pages through every dead letter exactly once with limit ${limit}`, async () => {
        const all = await listAll({});
        const { items, pages } = await collectPages((page) => deadLetters.list({}, page), limit);
        expect(items.map((l) => l.id).sort()).toEqual(all.map((l) => l.id).sort());
        expect(new Set(items.map((l) => l.id)).size).toBe(5);
        expect(pages).toBe(Math.ceil(5 / limit));

        const filtered = await collectPages((page) => deadLetters.list({ tenantId: t1 }, page), limit);
        expect(filtered.items.map(keyOf).sort()).toEqual(['d1', 'd2', 'd3']);
        expect(filtered.pages).toBe(Math.ceil(3 / limit));
      });
    }

    it('gets one dead letter with its body', async () => {
      const [letter] = (await listAll({ endpointId: e2 })) as [DeadLetter];
      expect(await deadLetters.get(letter.id)).toEqual({ ...letter, body: fixture('d3').body });
      expect(await deadLetters.get(randomUUID())).toBeUndefined();
      expect(await deadLetters.get(pending.id)).toBeUndefined();
      expect(await deadLetters.get(delivered.id)).toBeUndefined();
      expect(await deadLetters.get(discarded.id)).toBeUndefined();
    });

    it('redrives one dead letter into the queue with a fresh attempt budget', async () => {
      const id = await idOf('d5');
      const d5 = fixture('d5');
      expect(await deadLetters.redrive(id)).toBe(true);

      expect(await listKeys({})).toEqual(['d1', 'd2', 'd3', 'd4']);
      expect(await deadLetters.get(id)).toBeUndefined();
      expect(await deadLetters.redrive(id)).toBe(false);

      // It is due now, next to `pending`, and starts again at attempt 1 with the same event.
      const claimed = await deliveries.takeDue();
      expect(claimed.map((c) => [c.eventId, c.attempt]).sort()).toEqual(
        [
          [d5.eventId, 1],
          [pending.eventId, 2],
        ].sort(),
      );
      const again = claimed.find((c) => c.eventId === d5.eventId) as ClaimedDelivery;
      expect(again).toMatchObject({
        eventId: d5.eventId,
        endpointId: d5.endpointId,
        tenantId: d5.tenantId,
        eventType: d5.type,
        body: d5.body,
        attempt: 1,
        receipt: expect.any(String),
      });

      // Failing again makes it a dead letter again, counting only the new attempts.
      await deliveries.giveUp(again, 400, 'HTTP 400');
      const [back] = (await listAll({ endpointId: e3, eventType: 'order.updated' })) as [DeadLetter];
      expect(back).toMatchObject({
        eventId: d5.eventId,
        attempts: 1,
        lastStatus: 400,
        lastError: 'HTTP 400',
      });
    });

    it('redrives every dead letter matching a filter and returns the count', async () => {
      expect(await deadLetters.redriveMatching({ tenantId: t1 })).toBe(3);
      expect(await listKeys({})).toEqual(['d4', 'd5']);
      expect(await deadLetters.redriveMatching({ tenantId: t1 })).toBe(0);
      expect(await deadLetters.redriveMatching({ tenantId: t2, eventType: 'order.updated' })).toBe(1);
      expect(await listKeys({})).toEqual(['d4']);
      expect(await deadLetters.redriveMatching({ endpointId: e1 })).toBe(0);

      const claimed = await deliveries.takeDue();
      const redriven = claimed.filter((c) => c.eventId !== pending.eventId);
      expect(redriven.map((c) => c.eventId).sort()).toEqual(
        ['d1', 'd2', 'd3', 'd5'].map((k) => fixture(k).eventId).sort(),
      );
      expect(redriven.every((c) => c.attempt === 1)).toBe(true);

      expect(await deadLetters.redriveMatching({})).toBe(1);
      expect(await listAll({})).toEqual([]);
    });

    it('discards a dead letter for good', async () => {
      const id = await idOf('d1');
      expect(await deadLetters.discard(id)).toBe(true);
      expect(await listKeys({})).toEqual(['d2', 'd3', 'd4', 'd5']);
      expect(await deadLetters.get(id)).toBeUndefined();
      expect(await deadLetters.discard(id)).toBe(false);
      expect(await deadLetters.redrive(id)).toBe(false);
      expect(await deadLetters.redriveMatching({ endpointId: e1, eventType: 'order.created' })).toBe(0);
      const claimed = await deliveries.takeDue();
      expect(claimed.map((c) => c.eventId)).toEqual([pending.eventId]);
    });

    it('refuses to redrive or discard an unknown or non-dead delivery', async () => {
      const unknown = randomUUID();
      expect(await deadLetters.redrive(unknown)).toBe(false);
      expect(await deadLetters.discard(unknown)).toBe(false);
      expect(await deadLetters.redrive(pending.id)).toBe(false);
      expect(await deadLetters.discard(pending.id)).toBe(false);
      expect(await deadLetters.redrive(delivered.id)).toBe(false);
      expect(await deadLetters.discard(delivered.id)).toBe(false);
      expect(await deadLetters.redrive(discarded.id)).toBe(false);
      expect(await deadLetters.discard(discarded.id)).toBe(false);

      // The pending delivery kept its place and its attempt count; the delivered one stayed done.
      expect(await deliveries.takeDue()).toEqual([{ ...pending, receipt: expect.any(String) }]);
      expect(await listKeys({})).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
    });

    it('pages completely through dead letters that failed in the same settlement', async () => {
      const tenantId = unique('t3');
      const endpointId = (await ctx.seed.endpoint(tenantId)).id;
      const spec = {
        tenantId,
        endpointId,
        type: 'batch.failed',
        attempts: 1,
        lastStatus: 500,
        lastError: 'batch',
      };
      const eventIds = await ctx.seed.deadLetters(
        Array.from({ length: 4 }, () => ({ ...spec, body: bodyOf(spec.type) })),
      );
      expect(new Set(eventIds).size).toBe(4);
      for (const limit of [1, 3]) {
        const { items } = await collectPages((page) => deadLetters.list({ tenantId }, page), limit);
        expect(items.map((l) => l.eventId).sort()).toEqual([...eventIds].sort());
      }
    });

    const { leases } = capabilities;
    if (leases !== true) {
      it(`has no late-settlement cases to run ${notSupportedBy(name, leases)}`, () => {
        // The declaration must match the context: a runtime with leases must run those cases.
        expect(ctx.leased).toBeUndefined();
      });
    } else {
      it('ignores a late settlement from an attempt made before the redrive', async () => {
        if (!ctx.leased) throw new Error('the context must provide `leased` when it declares leases');
        const { queue, seed } = ctx.leased;
        const body = bodyOf('order.created');
        const eventId = await seed.event({ tenantId: t2, type: 'order.created', body });
        expect(
          await queue.enqueue([{ eventId, endpointId: e3, tenantId: t2, eventType: 'order.created', body }]),
        ).toEqual({ enqueued: 1, rejected: [] });
        const claimOf = async (leaseMs: number) => {
          const found = (await queue.claim(10, leaseMs)).find((c) => c.eventId === eventId);
          if (!found) throw new Error('the delivery was not claimed');
          return found;
        };
        // Worker A's lease runs out mid-attempt; worker B takes over, fails for good.
        const a = await claimOf(SHORT_LEASE);
        await sleep(PAST_SHORT_LEASE);
        const b = await claimOf(LONG_LEASE);
        expect(b.attempt).toBe(2);
        await queue.settle([{ delivery: b, kind: 'dead', status: 500, error: 'HTTP 500' }]);
        // The operator redrives; worker C starts over at attempt 1.
        const letter = (await listAll({ endpointId: e3 })).find((l) => l.eventId === eventId) as DeadLetter;
        expect(await deadLetters.redrive(letter.id)).toBe(true);
        const c = await claimOf(LONG_LEASE);
        expect(c.attempt).toBe(1);

        // A finally reports. Its attempt number happens to equal C's, but it is stale all the same.
        await queue.settle([{ delivery: a, kind: 'dead', status: 400, error: 'stale result from worker A' }]);
        expect((await listAll({ endpointId: e3 })).map((l) => l.eventId)).not.toContain(eventId);

        // C succeeds: the delivery is done, not a dead letter.
        await queue.settle([{ delivery: c, kind: 'delivered', status: 200 }]);
        expect((await listAll({ endpointId: e3 })).map((l) => l.eventId)).not.toContain(eventId);
      });

      it('a repeated copy of the settlement that dead-lettered a delivery cannot undo its redrive', async () => {
        if (!ctx.leased) throw new Error('the context must provide `leased` when it declares leases');
        const { queue, seed } = ctx.leased;
        const body = bodyOf('order.created');
        const eventId = await seed.event({ tenantId: t2, type: 'order.created', body });
        await queue.enqueue([{ eventId, endpointId: e3, tenantId: t2, eventType: 'order.created', body }]);
        const claimed = (await queue.claim(10, LONG_LEASE)).find((c) => c.eventId === eventId);
        if (!claimed) throw new Error('the delivery was not claimed');
        const dead = { delivery: claimed, kind: 'dead', status: 500, error: 'HTTP 500' } as const;
        await queue.settle([dead]);
        const letter = (await listAll({ endpointId: e3 })).find((l) => l.eventId === eventId) as DeadLetter;
        expect(await deadLetters.redrive(letter.id)).toBe(true);

        // The worker writes the same batch again (its first write looked failed): nothing applies.
        expect((await queue.settle([dead])).applied.size).toBe(0);
        expect((await listAll({ endpointId: e3 })).map((l) => l.eventId)).not.toContain(eventId);
        expect((await queue.claim(10, LONG_LEASE)).map((c) => c.eventId)).toContain(eventId);
      });
    }
  });
}
