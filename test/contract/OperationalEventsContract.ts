import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPERATIONAL_EVENT_TYPES } from '../../functions/core/health/constants.ts';
import {
  newOperationalEventId,
  type OperationalEvent,
} from '../../functions/core/health/OperationalEvent.ts';
import type { OperationalEvents } from '../../functions/ports/OperationalEvents.ts';
import { type ContractContextBase, unique } from './contractSupport.ts';

export interface OperationalEventsContext extends ContractContextBase {
  /** Over an empty store. */
  events: OperationalEvents;
}

const BASE = Date.parse('2026-11-01T10:00:00.000Z');
const TYPES = Object.values(OPERATIONAL_EVENT_TYPES);

export function operationalEventsContract(
  name: string,
  makeContext: () => Promise<OperationalEventsContext>,
) {
  describe(`${name} satisfies OperationalEvents`, () => {
    let ctx: OperationalEventsContext;
    let events: OperationalEvents;

    beforeEach(async () => {
      ctx = await makeContext();
      events = ctx.events;
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    /** `count` events a second apart, cycling through the types and over two tenants. */
    function made(count: number, tenants = [unique('t'), unique('t')]): OperationalEvent[] {
      return Array.from({ length: count }, (_, i) => {
        const occurredAt = new Date(BASE + i * 1_000);
        return {
          id: newOperationalEventId(occurredAt),
          type: TYPES[i % TYPES.length] as OperationalEvent['type'],
          occurredAt,
          tenantId: tenants[i % tenants.length] as string,
          endpointId: `ep_${i}`,
          data: { reason: `reason ${i}`, attempts: i, nested: { ok: true } },
        };
      });
    }

    it('lists what was recorded, oldest first, exactly as recorded', async () => {
      const all = made(4);
      await events.record(all.slice(2));
      await events.record(all.slice(0, 2));
      expect(await events.list({}, { limit: 10, after: null })).toEqual(all);
      expect(await events.list({}, { limit: 10, after: null })).toEqual(all); // reading changes nothing
    });

    it('recording the same event twice lists it once', async () => {
      const [one] = made(1);
      await events.record([one as OperationalEvent]);
      await events.record([one as OperationalEvent]);
      expect(await events.list({}, { limit: 10, after: null })).toEqual([one]);
    });

    it('without a cursor returns the latest `limit`, oldest of them first', async () => {
      const all = made(7);
      await events.record(all);
      expect(await events.list({}, { limit: 3, after: null })).toEqual(all.slice(4));
    });

    it('after a cursor returns what came later, so polling sees each event once', async () => {
      const all = made(7);
      await events.record(all);
      const seen: OperationalEvent[] = [];
      let after = (all[0] as OperationalEvent).id;
      for (let polls = 0; polls < 10; polls++) {
        const page = await events.list({}, { limit: 2, after });
        if (page.length === 0) break;
        seen.push(...page);
        after = (page.at(-1) as OperationalEvent).id;
      }
      expect(seen).toEqual(all.slice(1));
      const later = made(1).map((e) => ({ ...e, id: newOperationalEventId(new Date(BASE + 3_600_000)) }));
      await events.record(later);
      expect(await events.list({}, { limit: 2, after })).toEqual(later);
    });

    it('filters by type and by tenant, also together and with a cursor', async () => {
      const tenants = [unique('t'), unique('t')];
      const all = made(12, tenants);
      await events.record(all);
      const disabled = all.filter((e) => e.type === OPERATIONAL_EVENT_TYPES.endpointDisabled);
      expect(
        await events.list({ type: OPERATIONAL_EVENT_TYPES.endpointDisabled }, { limit: 50, after: null }),
      ).toEqual(disabled);
      const first = all.filter((e) => e.tenantId === tenants[0]);
      expect(await events.list({ tenantId: tenants[0] }, { limit: 50, after: null })).toEqual(first);
      const both = all.filter(
        (e) => e.tenantId === tenants[1] && e.type === OPERATIONAL_EVENT_TYPES.attemptExhausted,
      );
      expect(both.length).toBeGreaterThan(0);
      expect(
        await events.list(
          { tenantId: tenants[1], type: OPERATIONAL_EVENT_TYPES.attemptExhausted },
          { limit: 50, after: null },
        ),
      ).toEqual(both);
      expect(
        await events.list({ tenantId: tenants[0] }, { limit: 2, after: (first[1] as OperationalEvent).id }),
      ).toEqual(first.slice(2, 4));
      expect(await events.list({ tenantId: unique('t') }, { limit: 50, after: null })).toEqual([]);
    });
  });
}
