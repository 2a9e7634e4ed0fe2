import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter, DeadLetterFilter, DeadLetters } from '../../functions/ports/DeadLetters.ts';
import { collectPages, unique } from './contractSupport.ts';
import type { DeadLetterSpec, DeadLettersContext, RedeliveryProbe } from './DeadLettersContract.ts';

/** The operator views of DeadLetters: failure classes, time ranges, selected ids, summary, sliced redrive. */
export function deadLetterViewsContract(name: string, makeContext: () => Promise<DeadLettersContext>) {
  describe(`${name} satisfies DeadLetters (operator views)`, () => {
    let ctx: DeadLettersContext;
    let deadLetters: DeadLetters;
    let deliveries: RedeliveryProbe;
    let t1: string;
    let t2: string;
    let e1: string;
    let e2: string;
    let e3: string;
    /** By key, in the order they failed. */
    let letters: Map<string, DeadLetter>;

    async function makeDead(key: string, spec: Omit<DeadLetterSpec, 'body' | 'type'> & { type?: string }) {
      const type = spec.type ?? 'order.created';
      const body = `{"type":"${type}","n":"${randomUUID()}"}`;
      const [eventId] = (await ctx.seed.deadLetters([{ ...spec, type, body }])) as [string];
      const listed = (await all({ endpointId: spec.endpointId })).find((l) => l.eventId === eventId);
      if (!listed) throw new Error(`${key} was not listed`);
      letters.set(key, listed);
    }

    async function all(filter: DeadLetterFilter) {
      return (await collectPages((page) => deadLetters.list(filter, page), 100)).items;
    }

    const keysOf = (found: readonly DeadLetter[]) =>
      found.map((l) => [...letters].find(([, x]) => x.id === l.id)?.[0] ?? `unknown:${l.id}`).sort();

    const get = (key: string) => letters.get(key) as DeadLetter;

    beforeEach(async () => {
      ctx = await makeContext();
      deadLetters = ctx.deadLetters;
      deliveries = ctx.deliveries;
      letters = new Map();
      t1 = unique('t1');
      t2 = unique('t2');
      e1 = (await ctx.seed.endpoint(t1)).id;
      e2 = (await ctx.seed.endpoint(t1)).id;
      e3 = (await ctx.seed.endpoint(t2)).id;
      const exhausted = (last: string) => `attempts exhausted after 3 attempts, last: ${last}`;
      await makeDead('h500', {
        tenantId: t1,
        endpointId: e1,
        attempts: 1,
        lastStatus: 500,
        lastError: 'HTTP 500',
      });
      await makeDead('h410', {
        tenantId: t1,
        endpointId: e1,
        attempts: 1,
        lastStatus: 410,
        lastError: 'HTTP 410: endpoint is gone',
        type: 'order.updated',
      });
      await makeDead('timeout', {
        tenantId: t1,
        endpointId: e2,
        attempts: 3,
        lastStatus: null,
        lastError: exhausted('timeout error (no response within 10 s)'),
      });
      await makeDead('disabled', {
        tenantId: t2,
        endpointId: e3,
        attempts: 1,
        lastStatus: null,
        lastError: 'endpoint is disabled (receiver answered HTTP 410); re-enable it and redrive',
      });
      await makeDead('blocked', {
        tenantId: t2,
        endpointId: e3,
        attempts: 1,
        lastStatus: null,
        lastError: 'blocked error (refused to connect): address refused by the SSRF guard',
      });
      await makeDead('h500b', {
        tenantId: t2,
        endpointId: e3,
        attempts: 1,
        lastStatus: 500,
        lastError: 'HTTP 500',
      });
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    it('classifies each failure and filters by class', async () => {
      expect(Object.fromEntries([...letters].map(([key, l]) => [key, l.errorClass]))).toEqual({
        h500: 'http_500',
        h410: 'http_410',
        timeout: 'timeout',
        disabled: 'endpoint_disabled',
        blocked: 'blocked',
        h500b: 'http_500',
      });
      expect(keysOf(await all({ errorClass: 'http_500' }))).toEqual(['h500', 'h500b']);
      expect(keysOf(await all({ errorClass: 'http_500', tenantId: t2 }))).toEqual(['h500b']);
      expect(keysOf(await all({ errorClass: 'endpoint_disabled' }))).toEqual(['disabled']);
      expect(await all({ errorClass: 'dns' })).toEqual([]);
      expect((await deadLetters.get(get('timeout').id))?.errorClass).toBe('timeout');
    });

    it('filters by failure time: from inclusive, to exclusive', async () => {
      const sorted = [...letters.values()].sort((a, b) => a.failedAt.getTime() - b.failedAt.getTime());
      const all6 = keysOf(sorted);
      for (const boundary of sorted.map((l) => l.failedAt)) {
        const atOrAfter = sorted.filter((l) => l.failedAt >= boundary);
        const before = sorted.filter((l) => l.failedAt < boundary);
        expect(keysOf(await all({ from: boundary }))).toEqual(keysOf(atOrAfter));
        expect(keysOf(await all({ to: boundary }))).toEqual(keysOf(before));
      }
      const first = (sorted[0] as DeadLetter).failedAt;
      const later = new Date(first.getTime() + 3_600_000);
      expect(keysOf(await all({ from: new Date(first.getTime() - 1), to: later }))).toEqual(all6);
      expect(await all({ from: later })).toEqual([]);
      expect(await all({ to: new Date(first.getTime() - 3_600_000) })).toEqual([]);
      expect(await deadLetters.count({ from: later })).toBe(0);
    });

    it('narrows to selected ids, still subject to the other conditions', async () => {
      const ids = [get('h500').id, get('disabled').id, randomUUID()];
      expect(keysOf(await all({ ids }))).toEqual(['disabled', 'h500']);
      expect(keysOf(await all({ ids, tenantId: t2 }))).toEqual(['disabled']);
      expect(await deadLetters.count({ ids })).toBe(2);
      expect(await deadLetters.redriveMatching({ ids, errorClass: 'http_500' })).toBe(1);
      expect(keysOf(await all({}))).toEqual(['blocked', 'disabled', 'h410', 'h500b', 'timeout']);
    });

    it('counts what matches', async () => {
      expect(await deadLetters.count({})).toBe(6);
      expect(await deadLetters.count({ tenantId: t1 })).toBe(3);
      expect(await deadLetters.count({ endpointId: e3, errorClass: 'http_500' })).toBe(1);
      expect(await deadLetters.count({ eventType: 'order.updated' })).toBe(1);
    });

    it('summarizes by tenant, endpoint and class, largest group first', async () => {
      await makeDead('h500c', {
        tenantId: t2,
        endpointId: e3,
        attempts: 1,
        lastStatus: 500,
        lastError: 'HTTP 500',
      });
      const summary = await deadLetters.summarize({});
      expect(summary.total).toBe(7);
      expect(summary.groups[0]).toEqual({
        tenantId: t2,
        endpointId: e3,
        errorClass: 'http_500',
        count: 2,
        firstFailedAt: get('h500b').failedAt,
        lastFailedAt: get('h500c').failedAt,
      });
      const rest = summary.groups.slice(1);
      expect(rest.every((g) => g.count === 1)).toBe(true);
      const order = (g: { tenantId: string; endpointId: string; errorClass: string }) =>
        [g.tenantId, g.endpointId, g.errorClass].join('\u0000');
      expect(rest.map(order)).toEqual(rest.map(order).sort());
      expect(rest.map((g) => g.errorClass).sort()).toEqual([
        'blocked',
        'endpoint_disabled',
        'http_410',
        'http_500',
        'timeout',
      ]);
      const h410 = rest.find((g) => g.errorClass === 'http_410');
      expect(h410).toMatchObject({ tenantId: t1, endpointId: e1, firstFailedAt: get('h410').failedAt });

      const filtered = await deadLetters.summarize({ tenantId: t1, errorClass: 'http_500' });
      expect(filtered).toEqual({
        total: 1,
        groups: [
          {
            tenantId: t1,
            endpointId: e1,
            errorClass: 'http_500',
            count: 1,
            firstFailedAt: get('h500').failedAt,
            lastFailedAt: get('h500').failedAt,
          },
        ],
      });
      expect(await deadLetters.summarize({ tenantId: unique('nobody') })).toEqual({ total: 0, groups: [] });
    });

    it('redrives in slices, oldest failure first, until none remain', async () => {
      const oldestFirst = [...letters.values()].sort(
        (a, b) => a.failedAt.getTime() - b.failedAt.getTime() || (a.id < b.id ? -1 : 1),
      );
      const filter: DeadLetterFilter = { to: new Date(Date.now() + 60_000) };
      expect(await deadLetters.redriveMatching(filter, 4)).toBe(4);
      expect(await deadLetters.count(filter)).toBe(2);
      expect(keysOf(await all({}))).toEqual(keysOf(oldestFirst.slice(4)));
      expect(await deadLetters.redriveMatching(filter, 4)).toBe(2);
      expect(await deadLetters.count(filter)).toBe(0);
      expect(await deadLetters.redriveMatching(filter, 4)).toBe(0);
      const due = (await deliveries.takeDue()).map((d) => d.eventId).sort();
      expect(due).toEqual(oldestFirst.map((l) => l.eventId).sort());
    });
  });
}
