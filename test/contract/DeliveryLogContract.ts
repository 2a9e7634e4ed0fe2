import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord, AttemptView, DeliveryLog } from '../../functions/ports/DeliveryLog.ts';
import { type ContractContextBase, collectPages, type EventSeeder, unique } from './contractSupport.ts';

export interface DeliveryLogContext extends ContractContextBase {
  log: DeliveryLog;
  /** Attempts show their event's type, so the event must exist. */
  seed: EventSeeder;
}

/** What listing gives back for a record: the record itself, an id, and the event type. */
const view = (record: AttemptRecord, eventType: string) => ({
  ...record,
  id: expect.any(String),
  eventType,
});

export function deliveryLogContract(name: string, makeContext: () => Promise<DeliveryLogContext>) {
  describe(`${name} satisfies DeliveryLog`, () => {
    let ctx: DeliveryLogContext;
    let log: DeliveryLog;

    beforeEach(async () => {
      ctx = await makeContext();
      log = ctx.log;
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    let clock = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

    function attempt(
      base: { deliveryId: string; tenantId: string; endpointId: string; eventId: string },
      n: number,
      overrides: Partial<AttemptRecord> = {},
    ): AttemptRecord {
      clock += 1_000;
      return {
        ...base,
        attempt: n,
        startedAt: new Date(clock),
        webhookTimestamp: Math.floor(clock / 1000),
        status: 500,
        latencyMs: 40 + n,
        errorClass: null,
        errorMessage: null,
        responseSnippet: `{"error":"attempt ${n}"}`,
        ...overrides,
      };
    }

    /** One event for the tenant, and a delivery of it to the endpoint. */
    async function delivery(tenantId: string, endpointId: string, type = 'order.created') {
      const eventId = await ctx.seed.event({ tenantId, type, body: `{"type":"${type}"}` });
      return { deliveryId: randomUUID(), tenantId, endpointId, eventId };
    }

    describe('listForEndpoint', () => {
      let tenantId: string;
      let endpointId: string;
      /** Recorded one call at a time, oldest first. */
      let recorded: { record: AttemptRecord; type: string }[];

      beforeEach(async () => {
        tenantId = unique('t');
        endpointId = unique('ep');
        recorded = [];
        const one = await delivery(tenantId, endpointId, 'order.created');
        const two = await delivery(tenantId, endpointId, 'invoice.paid');
        const elsewhere = await delivery(tenantId, unique('ep'));
        const plan: [typeof one, number, string][] = [
          [one, 1, 'order.created'],
          [two, 1, 'invoice.paid'],
          [one, 2, 'order.created'],
          [two, 2, 'invoice.paid'],
          [one, 3, 'order.created'],
        ];
        for (const [base, n, type] of plan) {
          const record = attempt(base, n);
          await log.record([record]);
          recorded.push({ record, type });
          await log.record([attempt(elsewhere, n)]); // another endpoint of the same tenant
        }
      });

      const newestFirst = () => [...recorded].reverse().map(({ record, type }) => view(record, type));

      it('lists the attempts of an endpoint newest first, with their event type', async () => {
        const page = await log.listForEndpoint(tenantId, endpointId, { limit: 100, cursor: null });
        expect(page).toEqual({ items: newestFirst(), nextCursor: null });
        expect(new Set(page.items.map((a) => a.id)).size).toBe(5);
      });

      it('keeps every recorded field as given', async () => {
        const base = await delivery(tenantId, 'ep_fields', 'user.deleted');
        const networkError = attempt(base, 1, {
          status: null,
          latencyMs: 10_000,
          errorClass: 'timeout',
          errorMessage: 'no response within 10 s',
          responseSnippet: null,
          webhookTimestamp: 1_767_322_000,
        });
        await log.record([networkError]);
        const [item] = (await log.listForEndpoint(tenantId, 'ep_fields', { limit: 10, cursor: null })).items;
        expect(item).toEqual(view(networkError, 'user.deleted'));
        expect(item?.startedAt).toBeInstanceOf(Date);
        expect(typeof item?.webhookTimestamp).toBe('number');
      });

      it('shows nothing of an endpoint to another tenant', async () => {
        expect(await log.listForEndpoint(unique('t'), endpointId, { limit: 100, cursor: null })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('returns an empty page for an endpoint with no attempts', async () => {
        expect(await log.listForEndpoint(tenantId, 'ep_quiet', { limit: 10, cursor: null })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      for (const limit of [1, 2, 5, 100]) {
        it(`pages through every attempt exactly once with limit ${limit}`, async () => {
          const { items, pages } = await collectPages(
            (page) => log.listForEndpoint(tenantId, endpointId, page),
            limit,
          );
          expect(items).toEqual(newestFirst());
          expect(pages).toBe(Math.ceil(5 / limit));
        });
      }

      it('does not shift pages when attempts are recorded between them', async () => {
        const first = await log.listForEndpoint(tenantId, endpointId, { limit: 2, cursor: null });
        const late = attempt(await delivery(tenantId, endpointId, 'late.event'), 1);
        await log.record([late]);
        const rest = await collectPages(
          (page) =>
            log.listForEndpoint(tenantId, endpointId, { ...page, cursor: page.cursor ?? first.nextCursor }),
          2,
        );
        expect([...first.items, ...rest.items]).toEqual(newestFirst());
      });
    });

    describe('listForDelivery', () => {
      it('lists the attempts of one delivery in the order they were made', async () => {
        const tenantId = unique('t');
        const endpointId = unique('ep');
        const mine = await delivery(tenantId, endpointId, 'order.created');
        const other = await delivery(tenantId, endpointId, 'order.updated');
        const first = attempt(mine, 1, { status: 503 });
        const second = attempt(mine, 2, {
          status: null,
          errorClass: 'connection_refused',
          errorMessage: 'ECONNREFUSED',
        });
        const third = attempt(mine, 3, { status: 200, responseSnippet: 'ok' });
        await log.record([first]);
        // Several deliveries settled together are recorded in one batch.
        await log.record([attempt(other, 1), second]);
        await log.record([third, attempt(other, 2)]);

        expect(await log.listForDelivery(mine.deliveryId)).toEqual([
          view(first, 'order.created'),
          view(second, 'order.created'),
          view(third, 'order.created'),
        ]);
        expect((await log.listForDelivery(other.deliveryId)).map((a: AttemptView) => a.attempt)).toEqual([
          1, 2,
        ]);
        expect(await log.listForDelivery(randomUUID())).toEqual([]);
      });

      it('accepts an empty batch', async () => {
        await expect(log.record([])).resolves.toBeUndefined();
      });
    });
  });
}
