import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord, AttemptView, DeliveryLog } from '../../functions/ports/DeliveryLog.ts';
import { type ContractContextBase, type Seeder, unique } from './contractSupport.ts';

/** The operator views of the DeliveryLog: the attempt tail and endpoint health. */
export interface DeliveryLogViewsContext extends ContractContextBase {
  log: DeliveryLog;
  /** Attempts of endpoints that exist (the tail covers the endpoints of the tenants in scope). */
  seed: Seeder;
}

const HOUR = 3_600_000;

export function deliveryLogViewsContract(name: string, makeContext: () => Promise<DeliveryLogViewsContext>) {
  describe(`${name} satisfies DeliveryLog (operator views)`, () => {
    let ctx: DeliveryLogViewsContext;
    let log: DeliveryLog;
    let clock: number;

    beforeEach(async () => {
      ctx = await makeContext();
      log = ctx.log;
      clock = Date.UTC(2026, 5, 1, 12, 0, 0, 0);
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    async function endpoint(tenantId: string) {
      return (await ctx.seed.endpoint(tenantId)).id;
    }

    /** Records one attempt (one call, so recording order = start order) of a new event. */
    async function record(tenantId: string, endpointId: string, overrides: Partial<AttemptRecord> = {}) {
      clock += 1_000;
      const eventId = await ctx.seed.event({ tenantId, type: 'order.created', body: '{}' });
      const attempt: AttemptRecord = {
        deliveryId: randomUUID(),
        tenantId,
        endpointId,
        eventId,
        attempt: 1,
        startedAt: new Date(clock),
        webhookTimestamp: Math.floor(clock / 1000),
        status: 500,
        latencyMs: 12,
        errorClass: 'http',
        errorMessage: null,
        responseSnippet: 'no',
        ...overrides,
      };
      await log.record([attempt]);
      return attempt;
    }

    const keyOf = (a: Pick<AttemptView, 'deliveryId'>) => a.deliveryId;

    describe('listRecent', () => {
      let tA: string;
      let tB: string;
      let a1: string;
      let a2: string;
      let b1: string;
      let recorded: AttemptRecord[];

      beforeEach(async () => {
        tA = unique('ta');
        tB = unique('tb');
        a1 = await endpoint(tA);
        a2 = await endpoint(tA);
        b1 = await endpoint(tB);
        recorded = [];
        for (const [tenant, ep] of [
          [tA, a1],
          [tB, b1],
          [tA, a2],
          [tA, a1],
          [tB, b1],
        ] as const) {
          recorded.push(await record(tenant, ep));
        }
      });

      it('without a cursor lists the latest attempts, oldest first, with every field', async () => {
        const all = await log.listRecent({}, { after: null, limit: 100 });
        expect(all.items.map(keyOf)).toEqual(recorded.map(keyOf));
        expect(all.items[0]).toEqual({ ...recorded[0], id: expect.any(String), eventType: 'order.created' });
        expect(typeof all.nextCursor).toBe('string');

        const latest = await log.listRecent({}, { after: null, limit: 2 });
        expect(latest.items.map(keyOf)).toEqual(recorded.slice(-2).map(keyOf));
      });

      it('keeps to the tenant and endpoint in scope', async () => {
        const ofA = await log.listRecent({ tenantId: tA }, { after: null, limit: 100 });
        expect(ofA.items.map(keyOf)).toEqual(recorded.filter((r) => r.tenantId === tA).map(keyOf));
        const ofA1 = await log.listRecent({ tenantId: tA, endpointId: a1 }, { after: null, limit: 100 });
        expect(ofA1.items.map(keyOf)).toEqual(recorded.filter((r) => r.endpointId === a1).map(keyOf));
        const byEndpoint = await log.listRecent({ endpointId: b1 }, { after: null, limit: 100 });
        expect(byEndpoint.items.map(keyOf)).toEqual(recorded.filter((r) => r.endpointId === b1).map(keyOf));
        // Another tenant's endpoint named with a tenant: nothing.
        expect(
          (await log.listRecent({ tenantId: tB, endpointId: a1 }, { after: null, limit: 100 })).items,
        ).toEqual([]);
        expect(
          (await log.listRecent({ tenantId: unique('nobody') }, { after: null, limit: 100 })).items,
        ).toEqual([]);
      });

      it('polls: after a cursor only what was recorded since, and the same cursor when nothing was', async () => {
        const first = await log.listRecent({ tenantId: tA }, { after: null, limit: 100 });
        const quiet = await log.listRecent({ tenantId: tA }, { after: first.nextCursor, limit: 100 });
        expect(quiet).toEqual({ items: [], nextCursor: first.nextCursor });

        const later = [await record(tA, a2), await record(tB, b1), await record(tA, a1)];
        const next = await log.listRecent({ tenantId: tA }, { after: first.nextCursor, limit: 100 });
        expect(next.items.map(keyOf)).toEqual([later[0], later[2]].map((r) => keyOf(r as AttemptRecord)));
        expect(
          (await log.listRecent({ tenantId: tA }, { after: next.nextCursor, limit: 100 })).items,
        ).toEqual([]);
      });

      it('pages forward through a backlog with a small limit, each attempt once', async () => {
        const start = await log.listRecent({}, { after: null, limit: 1 });
        expect(start.items.map(keyOf)).toEqual([keyOf(recorded.at(-1) as AttemptRecord)]);
        const more = [await record(tA, a1), await record(tB, b1), await record(tA, a2)];
        const seen: string[] = [];
        let cursor = start.nextCursor;
        for (let polls = 0; polls < 10; polls++) {
          const page = await log.listRecent({}, { after: cursor, limit: 1 });
          if (page.items.length === 0) break;
          seen.push(...page.items.map(keyOf));
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(more.map(keyOf));
      });

      it('gives a cursor for an empty log that later polls start from', async () => {
        const tenant = unique('tc');
        const ep = await endpoint(tenant);
        const empty = await log.listRecent({ tenantId: tenant }, { after: null, limit: 10 });
        expect(empty.items).toEqual([]);
        const first = await record(tenant, ep);
        const next = await log.listRecent({ tenantId: tenant }, { after: empty.nextCursor, limit: 10 });
        expect(next.items.map(keyOf)).toEqual([first.deliveryId]);
      });
    });

    describe('endpointHealth', () => {
      it('counts the window and finds the latest success and failure, per tenant', async () => {
        const tenant = unique('th');
        const [busy, failing, quiet] = [
          await endpoint(tenant),
          await endpoint(tenant),
          await endpoint(tenant),
        ];
        const now = clock + 100 * HOUR;
        const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
        await record(tenant, busy, { startedAt: at(48), status: 200, errorClass: null });
        await record(tenant, busy, { startedAt: at(30), status: 503 });
        await record(tenant, busy, { startedAt: at(3), status: 500 });
        await record(tenant, busy, { startedAt: at(2), status: 200, errorClass: null });
        const timeout = await record(tenant, busy, {
          startedAt: at(1),
          status: null,
          errorClass: 'timeout',
          errorMessage: 'no response within 10 s',
        });
        await record(tenant, failing, { startedAt: at(5), status: 404 });

        const health = await log.endpointHealth(tenant, [busy, failing, quiet], at(24));
        expect(health.get(busy)).toEqual({
          attempts: 3,
          successes: 1,
          lastSuccessAt: at(2),
          lastFailureAt: timeout.startedAt,
          lastFailureError: 'no response within 10 s',
        });
        expect(health.get(failing)).toEqual({
          attempts: 1,
          successes: 0,
          lastSuccessAt: null,
          lastFailureAt: at(5),
          lastFailureError: 'HTTP 404',
        });
        const none = {
          attempts: 0,
          successes: 0,
          lastSuccessAt: null,
          lastFailureAt: null,
          lastFailureError: null,
        };
        expect(health.get(quiet)).toEqual(none);
        // Another tenant asking about these endpoint ids learns nothing.
        expect((await log.endpointHealth(unique('other'), [busy], at(24))).get(busy)).toEqual(none);
      });
    });
  });
}
