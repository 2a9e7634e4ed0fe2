import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../functions/core/events/OutboxEvent.ts';
import type { OutboxSource, OutboxWriter, PublishOutcome } from '../../functions/ports/OutboxSource.ts';
import { type ContractContextBase, latch } from './contractSupport.ts';

export interface OutboxContext extends ContractContextBase {
  source: OutboxSource;
  writer: OutboxWriter;
}

const ACCEPT_ALL: PublishOutcome = { rejected: [] };

/** A promise the test resolves by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

export function outboxContract(name: string, makeContext: () => Promise<OutboxContext>) {
  describe(`${name} satisfies OutboxSource and OutboxWriter`, () => {
    let ctx: OutboxContext;
    let source: OutboxSource;
    let writer: OutboxWriter;

    beforeEach(async () => {
      ctx = await makeContext();
      source = ctx.source;
      writer = ctx.writer;
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    async function append(n: number, tenantId = 'tenant-1') {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        ids.push(
          await writer.append({
            tenantId,
            type: 'item.created',
            body: `{"type":"item.created","data":{"n":${i}}}`,
            targetEndpointId: null,
          }),
        );
      }
      return ids;
    }

    /** Claims once, accepting everything; returns what was handed out. */
    async function claimOnce(
      limit: number,
      outcome: (events: OutboxEvent[]) => PublishOutcome = () => ACCEPT_ALL,
    ) {
      const handed: OutboxEvent[] = [];
      let calls = 0;
      const count = await source.claimUnpublished(limit, async (events) => {
        calls++;
        handed.push(...events);
        return outcome(events);
      });
      expect(count).toBe(handed.length);
      expect(calls).toBeLessThanOrEqual(1);
      expect(handed.length).toBeLessThanOrEqual(limit);
      return handed;
    }

    /**
     * The body as written, the bytes untouched, with the writer's transaction appended as its last
     * field (one event alone in its transaction: position 1 of 1); the id is the transaction's own.
     */
    function withTransaction(written: string) {
      return expect.toSatisfy((body: string) => {
        const match = /^(.*),"transaction":\{"id":"(\d+)","position":1,"count":1\}\}$/s.exec(body);
        return match !== null && `${match[1]}}` === written;
      });
    }

    async function drain(limit = 100) {
      const all: OutboxEvent[] = [];
      for (let i = 0; i < 50; i++) {
        const batch = await claimOnce(limit);
        if (batch.length === 0) return all;
        all.push(...batch);
      }
      throw new Error('the outbox never ran dry');
    }

    it('hands out appended events as written (plus their transaction unless aimed at one endpoint), with their target endpoint', async () => {
      const before = Date.now();
      const broadcast = await writer.append({
        tenantId: 'tenant-a',
        type: 'order.created',
        body: '{"type":"order.created","data":{"id":12345678901234567890,"price":1.10}}',
        targetEndpointId: null,
      });
      const targeted = await writer.append({
        tenantId: 'tenant-b',
        type: 'webhook.test',
        body: '{"type":"webhook.test","data":{"héllo":"wörld ✓"}}',
        targetEndpointId: 'ep_target',
      });
      expect(typeof broadcast).toBe('string');
      expect(targeted).not.toBe(broadcast);

      const handed = await drain();
      const byId = new Map(handed.map((e) => [e.id, e]));
      expect(handed).toHaveLength(2);
      expect(byId.get(broadcast)).toEqual({
        id: broadcast,
        tenantId: 'tenant-a',
        type: 'order.created',
        body: withTransaction('{"type":"order.created","data":{"id":12345678901234567890,"price":1.10}}'),
        occurredAt: expect.any(Date),
        targetEndpointId: null,
      });
      expect(byId.get(targeted)).toEqual({
        id: targeted,
        tenantId: 'tenant-b',
        type: 'webhook.test',
        body: '{"type":"webhook.test","data":{"héllo":"wörld ✓"}}',
        occurredAt: expect.any(Date),
        targetEndpointId: 'ep_target',
      });
      const occurred = byId.get(broadcast)?.occurredAt.getTime() ?? 0;
      expect(occurred).toBeGreaterThanOrEqual(before - 5_000);
      expect(occurred).toBeLessThanOrEqual(Date.now() + 5_000);
    });

    it('hands each event out once, at most `limit` at a time', async () => {
      const ids = await append(7);
      const batches: OutboxEvent[][] = [];
      for (let i = 0; i < 10; i++) {
        const batch = await claimOnce(3);
        if (batch.length === 0) break;
        batches.push(batch);
      }
      expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
      const handed = batches.flat().map((e) => e.id);
      expect([...handed].sort()).toEqual([...ids].sort());
      expect(await claimOnce(10)).toEqual([]);
    });

    it('claims nothing from an empty outbox', async () => {
      let called = false;
      const count = await source.claimUnpublished(10, async (events) => {
        called = events.length > 0;
        return ACCEPT_ALL;
      });
      expect(count).toBe(0);
      expect(called).toBe(false);
    });

    it('does not hand out events rejected by publish again', async () => {
      const [tooBig, fine, alsoFine] = await append(3);
      const first = await claimOnce(10, () => ({
        rejected: [{ eventId: tooBig as string, reason: 'too large' }],
      }));
      expect(first.map((e) => e.id).sort()).toEqual([tooBig, fine, alsoFine].sort());
      expect(await drain()).toEqual([]);
    });

    it('hands the events out again when publish throws', async () => {
      const ids = await append(3);
      await expect(
        source.claimUnpublished(10, async () => {
          throw new Error('queue unavailable');
        }),
      ).rejects.toThrow('queue unavailable');
      const again = await drain();
      expect(again.map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(await drain()).toEqual([]);
    });

    it('never gives two concurrent claimers the same event, and neither waits for the other', async () => {
      const ids = await append(6);
      const release = gate();
      // Both claimers must be inside `publish` at once, each still holding its claim: a claimer that
      // waited for the other's rows (no SKIP LOCKED) never gets in while the first holds them.
      const bothInside = latch(2, 10_000, 'claimers inside publish at the same time');
      let inside = 0;
      let mostInside = 0;
      const received: string[][] = [[], []];
      const claimer = (slot: 0 | 1) =>
        source.claimUnpublished(3, async (events) => {
          received[slot]?.push(...events.map((e) => e.id));
          mostInside = Math.max(mostInside, ++inside);
          bothInside.arrive();
          await release.opened; // hold the claim while the other claimer runs
          inside--;
          return ACCEPT_ALL;
        });
      const claims = Promise.all([claimer(0), claimer(1)]);
      const missed = await bothInside.reached.then(
        () => undefined,
        (error: unknown) => error,
      );
      // Let both claims finish (and their transactions end) before failing for a missed meeting.
      release.open();
      const counts = await claims;
      if (missed) throw missed;

      expect(mostInside).toBe(2);
      const [first, second] = received as [string[], string[]];
      expect(counts).toEqual([first.length, second.length]);
      expect(first.filter((id) => second.includes(id))).toEqual([]);
      // With six events and a limit of three, each got three.
      expect([first.length, second.length]).toEqual([3, 3]);
      expect([...first, ...second].sort()).toEqual([...ids].sort());
      expect(await drain()).toEqual([]);
    });

    it('leaves events appended during a claim for the next claim', async () => {
      const [early] = await append(1);
      const release = gate();
      const inPublish = gate();
      const claim = source.claimUnpublished(10, async () => {
        inPublish.open();
        await release.opened;
        return ACCEPT_ALL;
      });
      await inPublish.opened;
      const late = await writer.append({
        tenantId: 'tenant-1',
        type: 'item.updated',
        body: '{"late":true}',
        targetEndpointId: null,
      });
      release.open();
      expect(await claim).toBe(1);
      const next = await drain();
      expect(next.map((e) => e.id)).toEqual([late]);
      expect(next.map((e) => e.id)).not.toContain(early);
    });
  });
}
