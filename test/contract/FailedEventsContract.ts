import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedEvents } from '../../functions/ports/FailedEvents.ts';
import type { OutboxSource, OutboxWriter } from '../../functions/ports/OutboxSource.ts';
import { type ContractContextBase, collectPages, unique } from './contractSupport.ts';

export interface FailedEventsContext extends ContractContextBase {
  failedEvents: FailedEvents;
  /** The outbox the relay claims from: rejections recorded through it are what the view lists. */
  outbox: OutboxSource & OutboxWriter;
}

export function failedEventsContract(name: string, makeContext: () => Promise<FailedEventsContext>) {
  describe(`${name} satisfies FailedEvents`, () => {
    let ctx: FailedEventsContext;
    let t1: string;
    let t2: string;
    /** Rejected event ids with their reason and body size. */
    let rejected: Map<string, { tenantId: string; reason: string; size: number }>;

    beforeEach(async () => {
      ctx = await makeContext();
      t1 = unique('t1');
      t2 = unique('t2');
      rejected = new Map();
      const plan = [
        { tenantId: t1, body: `{"big":"${'x'.repeat(300)}"}`, reason: 'event body is too large' },
        { tenantId: t1, body: '{"ok":true}', reason: null },
        {
          tenantId: t2,
          body: `{"big":"${'y'.repeat(500)}"}`,
          reason: 'refused for ep_2; sent to the others',
        },
        { tenantId: t1, body: '{"é":"ü"}', reason: 'refused by the transport' },
      ];
      const ids: string[] = [];
      for (const p of plan)
        ids.push(
          await ctx.outbox.append({
            tenantId: p.tenantId,
            type: 'row.created',
            body: p.body,
            targetEndpointId: null,
          }),
        );
      // Sizes as the relay had the bodies: with the transaction field the claim appends.
      const published = new Map<string, number>();
      await ctx.outbox.claimUnpublished(10, async (events) => {
        for (const e of events) published.set(e.id, Buffer.byteLength(e.body));
        return {
          rejected: plan.flatMap((p, i) =>
            p.reason === null ? [] : [{ eventId: ids[i] as string, reason: p.reason }],
          ),
        };
      });
      plan.forEach((p, i) => {
        if (p.reason !== null)
          rejected.set(ids[i] as string, {
            tenantId: p.tenantId,
            reason: p.reason,
            size: published.get(ids[i] as string) ?? -1,
          });
      });
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    const newestFirst = (ids: string[]) => [...ids].sort().reverse();

    it('lists the rejected events newest first, with tenant, type, time, size and reason', async () => {
      const page = await ctx.failedEvents.list({}, { limit: 10, cursor: null });
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((e) => e.id)).toEqual(newestFirst([...rejected.keys()]));
      for (const item of page.items) {
        const expected = rejected.get(item.id);
        expect(item).toEqual({
          id: item.id,
          tenantId: expected?.tenantId,
          eventType: 'row.created',
          createdAt: expect.any(Date),
          sizeBytes: expected?.size,
          reason: expected?.reason,
        });
        expect(Math.abs(item.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
      }
    });

    it('filters by tenant and pages through each event once', async () => {
      const ofT1 = [...rejected].filter(([, r]) => r.tenantId === t1).map(([id]) => id);
      for (const limit of [1, 2]) {
        const { items, pages } = await collectPages(
          (page) => ctx.failedEvents.list({ tenantId: t1 }, page),
          limit,
        );
        expect(items.map((e) => e.id)).toEqual(newestFirst(ofT1));
        expect(pages).toBe(Math.ceil(ofT1.length / limit));
      }
      expect(await ctx.failedEvents.list({ tenantId: unique('none') }, { limit: 5, cursor: null })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(ctx.failedEvents.list({}, { limit: 5, cursor: 'bm9wZQ' })).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
      const forged = Buffer.from(JSON.stringify(['not-a-uuid'])).toString('base64url');
      await expect(ctx.failedEvents.list({}, { limit: 5, cursor: forged })).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    });
  });
}
