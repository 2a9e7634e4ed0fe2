import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEALTHY } from '../../functions/core/health/EndpointHealthState.ts';
import type { EndpointHealth, EndpointRef } from '../../functions/ports/EndpointHealth.ts';
import type { SubscriptionStore } from '../../functions/ports/SubscriptionStore.ts';
import { type ContractContextBase, type EndpointSeeder, unique } from './contractSupport.ts';

export interface EndpointHealthContext extends ContractContextBase {
  health: EndpointHealth;
  /** Re-enabling (and deleting) goes through the SubscriptionStore of the same runtime. */
  subscriptions: SubscriptionStore;
  seed: EndpointSeeder;
}

const T = new Date('2026-11-01T10:00:00.123Z');
const failing = (count: number, since = T) => ({ failingSince: since, consecutiveFailures: count });

export function endpointHealthContract(name: string, makeContext: () => Promise<EndpointHealthContext>) {
  describe(`${name} satisfies EndpointHealth`, () => {
    let ctx: EndpointHealthContext;
    let health: EndpointHealth;
    let ref: EndpointRef;

    beforeEach(async () => {
      ctx = await makeContext();
      health = ctx.health;
      const tenantId = unique('t');
      const endpoint = await ctx.seed.endpoint(tenantId);
      ref = { tenantId, endpointId: endpoint.id };
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    const stored = async (r = ref) => (await health.read([r])).get(r.endpointId);

    it('reads a new endpoint as healthy and enabled; unknown and other tenants’ ids are absent', async () => {
      const other = { tenantId: unique('t'), endpointId: ref.endpointId };
      const unknown = { tenantId: ref.tenantId, endpointId: unique('ep') };
      const map = await health.read([ref, other, unknown]);
      expect([...map.keys()]).toEqual([ref.endpointId]);
      expect(map.get(ref.endpointId)).toEqual({ enabled: true, state: HEALTHY });
      expect((await health.read([])).size).toBe(0);
    });

    it('stores a run of failures by compare-and-set, refusing a stale expectation', async () => {
      expect(await health.replace(ref, HEALTHY, failing(1))).toBe(true);
      expect(await stored()).toEqual({ enabled: true, state: failing(1) });
      // A second deliverer that also read HEALTHY must not overwrite the first one's failure.
      expect(await health.replace(ref, HEALTHY, failing(1, new Date(T.getTime() + 5)))).toBe(false);
      expect(await health.replace(ref, failing(2), failing(3))).toBe(false);
      expect(await stored()).toEqual({ enabled: true, state: failing(1) });
      expect(await health.replace(ref, failing(1), failing(2))).toBe(true);
      expect((await stored())?.state).toEqual(failing(2));
    });

    it('a success stores the endpoint as healthy again', async () => {
      await health.replace(ref, HEALTHY, failing(1));
      expect(await health.replace(ref, failing(1), HEALTHY)).toBe(true);
      expect((await stored())?.state).toEqual(HEALTHY);
      expect(await health.replace(ref, HEALTHY, failing(1))).toBe(true);
    });

    it('refuses to store state for an unknown endpoint or another tenant’s', async () => {
      expect(
        await health.replace({ tenantId: ref.tenantId, endpointId: unique('ep') }, HEALTHY, failing(1)),
      ).toBe(false);
      expect(
        await health.replace({ tenantId: unique('t'), endpointId: ref.endpointId }, HEALTHY, failing(1)),
      ).toBe(false);
      expect((await stored())?.state).toEqual(HEALTHY);
    });

    it('disables once: only the call that disabled the endpoint is told so', async () => {
      expect(await health.disable(ref, 'receiver answered HTTP 410')).toBe(true);
      expect(await health.disable(ref, 'again')).toBe(false);
      const endpoint = await ctx.subscriptions.getEndpoint(ref.tenantId, ref.endpointId);
      expect(endpoint).toMatchObject({ enabled: false, disabledReason: 'receiver answered HTTP 410' });
      expect((await stored())?.enabled).toBe(false);
    });

    it('does not disable another tenant’s endpoint or an unknown one', async () => {
      expect(await health.disable({ tenantId: unique('t'), endpointId: ref.endpointId }, 'x')).toBe(false);
      expect(await health.disable({ tenantId: ref.tenantId, endpointId: unique('ep') }, 'x')).toBe(false);
      expect(await ctx.subscriptions.getEndpoint(ref.tenantId, ref.endpointId)).toMatchObject({
        enabled: true,
      });
    });

    it('re-enabling through the SubscriptionStore clears the run of failures', async () => {
      await health.replace(ref, HEALTHY, failing(9));
      await health.disable(ref, 'failing continuously');
      await ctx.subscriptions.updateEndpoint(ref.tenantId, ref.endpointId, { enabled: true });
      expect(await stored()).toEqual({ enabled: true, state: HEALTHY });
    });

    it('forgets a deleted endpoint', async () => {
      await health.replace(ref, HEALTHY, failing(1));
      await ctx.subscriptions.deleteEndpoint(ref.tenantId, ref.endpointId);
      expect(await stored()).toBeUndefined();
      expect(await health.replace(ref, failing(1), failing(2))).toBe(false);
    });
  });
}
