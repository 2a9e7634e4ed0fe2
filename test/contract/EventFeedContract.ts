import { beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../functions/core/subscriptions/Endpoint.ts';
import { EndpointMatcher } from '../../functions/pipeline/EndpointMatcher.ts';
import { relayOutbox } from '../../functions/pipeline/relayOutbox.ts';
import type { DeliveryPublisher } from '../../functions/ports/DeliveryQueue.ts';
import type { EventFeed } from '../../functions/ports/EventFeed.ts';
import type { OutboxSource, OutboxWriter } from '../../functions/ports/OutboxSource.ts';
import type { SubscriptionStore } from '../../functions/ports/SubscriptionStore.ts';
import { type ContractContextBase, seedThroughPorts, unique } from './contractSupport.ts';

export interface EventFeedContext extends ContractContextBase {
  feed: EventFeed;
  /** Where the feed's events come from: appended, then relayed through `publisher`. */
  outbox: OutboxSource & OutboxWriter;
  subscriptions: SubscriptionStore;
  /** The runtime's numbering publisher (the local queue; on AWS, numbering before the bus). */
  publisher: DeliveryPublisher;
}

/**
 * The catch-up feed, whichever runtime numbers the deliveries: events reach it the way they do in
 * production (outbox, relay, the runtime's numbering), and the feed answers by sequence number.
 */
export function eventFeedContract(name: string, makeContext: () => Promise<EventFeedContext>) {
  describe(`${name} satisfies EventFeed`, () => {
    let ctx: EventFeedContext;
    let tenant: string;
    let endpoint: Endpoint;
    let sibling: Endpoint;
    /** Bodies as the relay handed them out (with the transaction field), by event id. */
    let relayed: Map<string, string>;

    const relay = (publish: (events: number) => Promise<void> = async () => {}) =>
      relayOutbox(
        {
          outbox: {
            claimUnpublished: (limit, work) =>
              ctx.outbox.claimUnpublished(limit, async (events) => {
                for (const e of events) relayed.set(e.id, e.body);
                const outcome = await work(events);
                await publish(events.length);
                return outcome;
              }),
          },
          subscriptions: ctx.subscriptions,
          queue: ctx.publisher,
          matcher: new EndpointMatcher(),
        },
        { batchSize: 100, maxEventBytes: 256 * 1024 },
      );

    async function events(tenantId: string, count: number, type = 'orders.insert'): Promise<string[]> {
      const ids: string[] = [];
      for (let n = 0; n < count; n++)
        ids.push(
          await ctx.outbox.append({ tenantId, type, body: `{"n":${n},"s":"é"}`, targetEndpointId: null }),
        );
      return ids;
    }

    beforeEach(async () => {
      ctx = await makeContext();
      relayed = new Map();
      const seed = seedThroughPorts({ subscriptions: ctx.subscriptions, outbox: ctx.outbox });
      tenant = unique('t');
      endpoint = await seed.endpoint(tenant);
      sibling = await seed.endpoint(tenant);
      await seed.endpoint(unique('other'));
      return () => ctx.cleanup?.();
    });

    it('pages by sequence after `after`, ascending, with the exact bodies the relay sent', async () => {
      const ids = await events(tenant, 5);
      await relay();
      const first = await ctx.feed.list(tenant, endpoint.id, { after: 0, limit: 3 });
      expect(first.map((e) => [e.sequence, e.eventId, e.eventType])).toEqual([
        [1, ids[0], 'orders.insert'],
        [2, ids[1], 'orders.insert'],
        [3, ids[2], 'orders.insert'],
      ]);
      for (const e of first) {
        expect(e.body).toBe(relayed.get(e.eventId));
        expect(e.body).toContain('"transaction":{');
        expect(e.occurredAt).toBeInstanceOf(Date);
      }
      const rest = await ctx.feed.list(tenant, endpoint.id, { after: 3, limit: 10 });
      expect(rest.map((e) => [e.sequence, e.eventId])).toEqual([
        [4, ids[3]],
        [5, ids[4]],
      ]);
      expect(await ctx.feed.list(tenant, endpoint.id, { after: 5, limit: 10 })).toEqual([]);
      // Each endpoint counts on its own.
      expect(
        (await ctx.feed.list(tenant, sibling.id, { after: 0, limit: 10 })).map((e) => e.sequence),
      ).toEqual([1, 2, 3, 4, 5]);
    });

    it("never answers another tenant, even given the endpoint's id", async () => {
      await events(tenant, 2);
      await relay();
      expect(await ctx.feed.list(unique('intruder'), endpoint.id, { after: 0, limit: 10 })).toEqual([]);
      expect(await ctx.feed.list(tenant, endpoint.id, { after: 0, limit: 10 })).toHaveLength(2);
    });

    it('shows nothing of a batch still being relayed, then all of it once it is published', async () => {
      await events(tenant, 2);
      await relay();
      await events(tenant, 2);
      let during: number[] | undefined;
      // Read while the relay has numbered and handed the batch over but not committed its claim.
      await relay(async () => {
        during = (await ctx.feed.list(tenant, endpoint.id, { after: 0, limit: 10 })).map((e) => e.sequence);
      });
      expect(during).toEqual([1, 2]);
      expect(
        (await ctx.feed.list(tenant, endpoint.id, { after: 0, limit: 10 })).map((e) => e.sequence),
      ).toEqual([1, 2, 3, 4]);
    });
  });
}
