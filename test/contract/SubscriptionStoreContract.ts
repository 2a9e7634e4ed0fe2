import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../functions/core/subscriptions/Endpoint.ts';
import type { NewEndpoint, SubscriptionStore } from '../../functions/ports/SubscriptionStore.ts';
import { apiKeyHash, type ContractContextBase, collectPages, sleep, unique } from './contractSupport.ts';

export interface SubscriptionStoreContext extends ContractContextBase {
  store: SubscriptionStore;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ids = (items: readonly { id: string }[]) => items.map((e) => e.id);

export function subscriptionStoreContract(
  name: string,
  makeContext: () => Promise<SubscriptionStoreContext>,
) {
  describe(`${name} satisfies SubscriptionStore`, () => {
    let ctx: SubscriptionStoreContext;
    let store: SubscriptionStore;

    beforeEach(async () => {
      ctx = await makeContext();
      store = ctx.store;
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    async function tenant(id = unique('t')) {
      return store.createTenant({ id, name: `Name of ${id}`, tier: 'pooled' }, apiKeyHash(id), 'rh_abc');
    }

    function newEndpoint(tenantId: string, overrides: Partial<NewEndpoint> = {}): NewEndpoint {
      const id = overrides.id ?? unique('ep');
      return {
        id,
        tenantId,
        url: `https://example.com/hooks/${id}`,
        description: `endpoint ${id}`,
        eventTypes: null,
        filter: null,
        enabled: true,
        ...overrides,
      };
    }

    describe('tenants', () => {
      it('creates a tenant and reads it back', async () => {
        const created = await store.createTenant(
          { id: 'acme', name: 'Acme Inc.', tier: 'dedicated' },
          apiKeyHash('acme-key'),
          'rh_acme',
        );
        expect(created).toEqual({
          id: 'acme',
          name: 'Acme Inc.',
          tier: 'dedicated',
          createdAt: expect.any(Date),
        });
        expect(Math.abs(created.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
        expect(await store.getTenant('acme')).toEqual(created);
        expect(await store.getTenant('nobody')).toBeUndefined();
      });

      it('lists every tenant', async () => {
        const second = await tenant('tenant-b');
        const first = await tenant('tenant-a');
        expect([...(await store.listTenants())].sort(byId)).toEqual([first, second]);
      });

      it("refuses a duplicate tenant id with code 'tenant_exists' and changes nothing", async () => {
        const original = await store.createTenant(
          { id: 'dup', name: 'First', tier: 'pooled' },
          apiKeyHash('first-key'),
          'rh_first',
        );
        await expect(
          store.createTenant(
            { id: 'dup', name: 'Second', tier: 'dedicated' },
            apiKeyHash('second-key'),
            'rh_2',
          ),
        ).rejects.toMatchObject({ code: 'tenant_exists' });
        expect(await store.getTenant('dup')).toEqual(original);
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('first-key'))).toBe('dup');
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('second-key'))).toBeUndefined();
        expect(await store.listTenants()).toEqual([original]);
      });

      it('creates a tenant and its API key together or not at all', async () => {
        await tenant('holder');
        // The key hash is taken: the second tenant must not exist half-made without a key.
        await expect(
          store.createTenant({ id: 'taker', name: 'Taker', tier: 'pooled' }, apiKeyHash('holder'), 'rh_x'),
        ).rejects.toThrow();
        expect(await store.getTenant('taker')).toBeUndefined();
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('holder'))).toBe('holder');
      });

      it('finds the tenant of an API key hash', async () => {
        await tenant('one');
        await tenant('two');
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('one'))).toBe('one');
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('two'))).toBe('two');
        expect(await store.findTenantIdByApiKeyHash(apiKeyHash('three'))).toBeUndefined();
        expect(await store.findTenantIdByApiKeyHash(Buffer.alloc(32))).toBeUndefined();
      });
    });

    describe('endpoints', () => {
      it('creates an endpoint and reads it back', async () => {
        const { id: tenantId } = await tenant();
        const input = newEndpoint(tenantId, {
          id: 'ep_1',
          url: 'https://hooks.example.com/in?x=1',
          description: 'Orders',
          eventTypes: ['order.created', 'invoice.*'],
          filter: { data: { status: ['paid'], amount: [{ numeric: ['>', 10] }] } },
          enabled: true,
        });
        const created = await store.createEndpoint(input);
        expect(created).toEqual({
          id: 'ep_1',
          tenantId,
          url: 'https://hooks.example.com/in?x=1',
          description: 'Orders',
          eventTypes: ['order.created', 'invoice.*'],
          filter: { data: { status: ['paid'], amount: [{ numeric: ['>', 10] }] } },
          enabled: true,
          disabledReason: null,
          createdAt: expect.any(Date),
          updatedAt: expect.any(Date),
          transport: 'auto',
          rateLimitPerSecond: null,
          maxConcurrency: null,
          ordering: 'none',
          signatureScheme: 'v1',
          auth: null,
          dedicated: null,
          receiver: null,
        });
        expect(await store.getEndpoint(tenantId, 'ep_1')).toEqual(created);
        expect(await store.getEndpoint(tenantId, 'ep_2')).toBeUndefined();
      });

      it('keeps the signature scheme and changes it only when patched', async () => {
        const { id: tenantId } = await tenant();
        const created = await store.createEndpoint(
          newEndpoint(tenantId, { id: 'ep_v1a', signatureScheme: 'v1a' }),
        );
        expect(created.signatureScheme).toBe('v1a');
        expect((await store.getEndpointsByIds(['ep_v1a']))[0]?.signatureScheme).toBe('v1a');
        expect((await store.updateEndpoint(tenantId, 'ep_v1a', { description: 'x' }))?.signatureScheme).toBe(
          'v1a',
        );
        expect(
          (await store.updateEndpoint(tenantId, 'ep_v1a', { signatureScheme: 'v1' }))?.signatureScheme,
        ).toBe('v1');
        expect((await store.getEndpoint(tenantId, 'ep_v1a'))?.signatureScheme).toBe('v1');
      });

      it('keeps the ordering through every read and changes it only when patched', async () => {
        const { id: tenantId } = await tenant();
        const created = await store.createEndpoint(
          newEndpoint(tenantId, { id: 'ep_keyed', ordering: 'per-key' }),
        );
        expect(created.ordering).toBe('per-key');
        expect((await store.getEndpointsByIds(['ep_keyed']))[0]?.ordering).toBe('per-key');
        expect((await store.listEnabledEndpoints([tenantId]))[0]?.ordering).toBe('per-key');
        expect((await store.updateEndpoint(tenantId, 'ep_keyed', { description: 'x' }))?.ordering).toBe(
          'per-key',
        );
        expect((await store.updateEndpoint(tenantId, 'ep_keyed', { ordering: 'none' }))?.ordering).toBe(
          'none',
        );
        expect((await store.getEndpoint(tenantId, 'ep_keyed'))?.ordering).toBe('none');
      });

      it('keeps an endpoint created disabled, with an empty event type list, as given', async () => {
        const { id: tenantId } = await tenant();
        const created = await store.createEndpoint(
          newEndpoint(tenantId, { id: 'ep_off', enabled: false, eventTypes: [], description: '' }),
        );
        expect(created).toMatchObject({ enabled: false, eventTypes: [], description: '', filter: null });
        expect(await store.getEndpoint(tenantId, 'ep_off')).toEqual(created);
      });

      it("never reads, changes or deletes another tenant's endpoint", async () => {
        const { id: owner } = await tenant();
        const { id: intruder } = await tenant();
        const endpoint = await store.createEndpoint(newEndpoint(owner, { id: 'ep_owned' }));

        expect(await store.getEndpoint(intruder, 'ep_owned')).toBeUndefined();
        expect(
          await store.updateEndpoint(intruder, 'ep_owned', { url: 'https://evil.example/' }),
        ).toBeUndefined();
        expect(await store.deleteEndpoint(intruder, 'ep_owned')).toBe(false);
        await store.disableEndpoint(intruder, 'ep_owned', 'hijacked');
        expect((await store.listEndpoints(intruder, { limit: 10, cursor: null })).items).toEqual([]);

        expect(await store.getEndpoint(owner, 'ep_owned')).toEqual(endpoint);
      });

      it('deletes an endpoint of its tenant', async () => {
        const { id: tenantId } = await tenant();
        await store.createEndpoint(newEndpoint(tenantId, { id: 'ep_gone' }));
        const kept = await store.createEndpoint(newEndpoint(tenantId, { id: 'ep_kept' }));

        expect(await store.deleteEndpoint(tenantId, 'ep_gone')).toBe(true);
        expect(await store.getEndpoint(tenantId, 'ep_gone')).toBeUndefined();
        expect(await store.deleteEndpoint(tenantId, 'ep_gone')).toBe(false);
        expect(await store.getEndpointsByIds(['ep_gone'])).toEqual([]);
        expect((await store.listEndpoints(tenantId, { limit: 10, cursor: null })).items).toEqual([kept]);
      });

      it('answers undefined when updating an endpoint that does not exist', async () => {
        const { id: tenantId } = await tenant();
        expect(await store.updateEndpoint(tenantId, 'ep_missing', { description: 'x' })).toBeUndefined();
        expect(await store.getEndpoint(tenantId, 'ep_missing')).toBeUndefined();
      });
    });

    describe('listEndpoints', () => {
      // Ids deliberately not in creation order, so sorting by id would show.
      const creationOrder = ['ep_e', 'ep_b', 'ep_d', 'ep_a', 'ep_c'];
      let tenantId: string;
      let created: Endpoint[];

      beforeEach(async () => {
        tenantId = (await tenant()).id;
        const other = (await tenant()).id;
        created = [];
        for (const [i, id] of creationOrder.entries()) {
          created.push(await store.createEndpoint(newEndpoint(tenantId, { id })));
          await store.createEndpoint(newEndpoint(other, { id: `${id}_other_${i}` }));
          await sleep(2); // creation order must be visible at Date (millisecond) precision
        }
      });

      for (const limit of [1, 2, 5, 1000]) {
        it(`visits every endpoint once, in creation order, with limit ${limit}`, async () => {
          const { items, pages } = await collectPages((page) => store.listEndpoints(tenantId, page), limit);
          expect(ids(items)).toEqual(creationOrder);
          expect(items).toEqual(created);
          expect(pages).toBe(Math.ceil(creationOrder.length / limit));
        });
      }

      it('returns an empty last page for a tenant with no endpoints', async () => {
        const { id: empty } = await tenant();
        expect(await store.listEndpoints(empty, { limit: 10, cursor: null })).toEqual({
          items: [],
          nextCursor: null,
        });
      });

      it('includes endpoints created after a page was read, and not deleted ones', async () => {
        const first = await store.listEndpoints(tenantId, { limit: 2, cursor: null });
        expect(ids(first.items)).toEqual(['ep_e', 'ep_b']);
        expect(await store.deleteEndpoint(tenantId, 'ep_d')).toBe(true);
        await sleep(2);
        await store.createEndpoint(newEndpoint(tenantId, { id: 'ep_0_new' }));
        const rest = await collectPages(
          (page) => store.listEndpoints(tenantId, { ...page, cursor: page.cursor ?? first.nextCursor }),
          2,
        );
        expect(ids(rest.items)).toEqual(['ep_a', 'ep_c', 'ep_0_new']);
      });
    });

    describe('updateEndpoint', () => {
      let tenantId: string;
      let original: Endpoint;

      beforeEach(async () => {
        tenantId = (await tenant()).id;
        original = await store.createEndpoint(
          newEndpoint(tenantId, {
            id: 'ep_patch',
            url: 'https://one.example.com/',
            description: 'first',
            eventTypes: ['order.*'],
            filter: { data: { status: ['paid'] } },
          }),
        );
        await sleep(5); // so updatedAt can visibly advance
      });

      async function expectPatched(
        patch: Parameters<SubscriptionStore['updateEndpoint']>[2],
        before: Endpoint,
        changed: Partial<Endpoint>,
      ) {
        const updated = await store.updateEndpoint(tenantId, before.id, patch);
        expect(updated).toEqual({ ...before, ...changed, updatedAt: expect.any(Date) });
        expect(updated?.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
        expect(updated?.createdAt).toEqual(original.createdAt);
        expect(await store.getEndpoint(tenantId, before.id)).toEqual(updated);
        await sleep(5);
        return updated as Endpoint;
      }

      it('changes only the fields in the patch', async () => {
        let current = await expectPatched({ description: 'second' }, original, { description: 'second' });
        current = await expectPatched({ url: 'https://two.example.com/x' }, current, {
          url: 'https://two.example.com/x',
        });
        current = await expectPatched({ eventTypes: ['a.created', 'b.*'] }, current, {
          eventTypes: ['a.created', 'b.*'],
        });
        current = await expectPatched({ filter: { type: ['a.created'] } }, current, {
          filter: { type: ['a.created'] },
        });
        await expectPatched({ description: '' }, current, { description: '' });
      });

      it('changes several fields at once', async () => {
        await expectPatched({ url: 'https://three.example.com/', description: 'both' }, original, {
          url: 'https://three.example.com/',
          description: 'both',
        });
      });

      it('clears the filter with filter: null', async () => {
        await expectPatched({ filter: null }, original, { filter: null });
      });

      it('sets every event type with eventTypes: null', async () => {
        await expectPatched({ eventTypes: null }, original, { eventTypes: null });
      });

      it('touches only updatedAt for an empty patch', async () => {
        await expectPatched({}, original, {});
      });

      it('keeps the disabled reason while the endpoint stays disabled', async () => {
        await store.disableEndpoint(tenantId, original.id, 'receiver answered 410 Gone');
        const disabled = (await store.getEndpoint(tenantId, original.id)) as Endpoint;
        expect(disabled).toMatchObject({ enabled: false, disabledReason: 'receiver answered 410 Gone' });
        await sleep(5);
        await expectPatched({ description: 'still off' }, disabled, { description: 'still off' });
      });

      it('clears the disabled reason with enabled: true', async () => {
        await store.disableEndpoint(tenantId, original.id, 'receiver answered 410 Gone');
        const disabled = (await store.getEndpoint(tenantId, original.id)) as Endpoint;
        await sleep(5);
        await expectPatched({ enabled: true }, disabled, { enabled: true, disabledReason: null });
      });

      it('disables with enabled: false', async () => {
        const updated = await store.updateEndpoint(tenantId, original.id, { enabled: false });
        expect(updated).toMatchObject({ enabled: false, url: original.url, filter: original.filter });
      });
    });

    describe('dedicated delivery settings', () => {
      const oauth = {
        type: 'OAUTH_CLIENT_CREDENTIALS',
        tokenUrl: 'https://auth.example.com/oauth/token',
        clientId: 'client-1',
        scope: 'webhooks:write',
      } as const;

      it('round-trips transport, rate limit, auth and a dedicated status through every read', async () => {
        const { id: tenantId } = await tenant();
        const created = await store.createEndpoint(
          newEndpoint(tenantId, {
            id: 'ep_ded',
            transport: 'api-destination',
            rateLimitPerSecond: 25,
            maxConcurrency: 7,
            auth: oauth,
            dedicated: {
              apiDestinationArn: 'arn:aws:events:x:1:api-destination/a/b',
              status: 'active',
              reason: null,
            },
          }),
        );
        expect(created).toMatchObject({
          transport: 'api-destination',
          rateLimitPerSecond: 25,
          maxConcurrency: 7,
          auth: oauth,
          dedicated: {
            apiDestinationArn: 'arn:aws:events:x:1:api-destination/a/b',
            status: 'active',
            reason: null,
          },
        });
        expect(await store.getEndpoint(tenantId, 'ep_ded')).toEqual(created);
        expect(await store.getEndpointsByIds(['ep_ded'])).toEqual([created]);
        expect(await store.listEnabledEndpoints([tenantId])).toEqual([created]);
        expect((await store.listEndpoints(tenantId, { limit: 10, cursor: null })).items).toEqual([created]);
      });

      it('keeps each auth type with only its own fields, scope optional', async () => {
        const { id: tenantId } = await tenant();
        for (const [id, auth] of [
          ['ep_key', { type: 'API_KEY', headerName: 'x-api-key' }],
          ['ep_basic', { type: 'BASIC', username: 'hook-user' }],
          ['ep_oauth', { type: 'OAUTH_CLIENT_CREDENTIALS', tokenUrl: 'https://a.example/t', clientId: 'c' }],
        ] as const) {
          const created = await store.createEndpoint(
            newEndpoint(tenantId, { id, transport: 'pooled', auth }),
          );
          expect(created.auth).toEqual(auth);
          expect((await store.getEndpoint(tenantId, id))?.auth).toEqual(auth);
        }
      });

      it('patches the settings like the other fields: absent unchanged, null clears', async () => {
        const { id: tenantId } = await tenant();
        const original = await store.createEndpoint(
          newEndpoint(tenantId, {
            id: 'ep_p',
            transport: 'api-destination',
            rateLimitPerSecond: 5,
            auth: oauth,
          }),
        );
        await sleep(5);
        const renamed = await store.updateEndpoint(tenantId, 'ep_p', { description: 'renamed' });
        expect(renamed).toMatchObject({ transport: 'api-destination', rateLimitPerSecond: 5, auth: oauth });

        const changed = await store.updateEndpoint(tenantId, 'ep_p', {
          transport: 'pooled',
          rateLimitPerSecond: 300,
          maxConcurrency: 3,
          auth: { type: 'API_KEY', headerName: 'authorization' },
        });
        expect(changed).toMatchObject({
          transport: 'pooled',
          rateLimitPerSecond: 300,
          maxConcurrency: 3,
          auth: { type: 'API_KEY', headerName: 'authorization' },
          createdAt: original.createdAt,
        });
        const cleared = await store.updateEndpoint(tenantId, 'ep_p', {
          rateLimitPerSecond: null,
          maxConcurrency: null,
          auth: null,
        });
        expect(cleared).toMatchObject({
          transport: 'pooled',
          rateLimitPerSecond: null,
          maxConcurrency: null,
          auth: null,
        });
        expect(await store.getEndpoint(tenantId, 'ep_p')).toEqual(cleared);
      });

      it('records the sync outcome with setDedicatedStatus, leaving the rest (and updatedAt) alone', async () => {
        const { id: tenantId } = await tenant();
        const created = await store.createEndpoint(
          newEndpoint(tenantId, { id: 'ep_sync', transport: 'api-destination', auth: oauth }),
        );
        expect(created.dedicated).toBeNull();
        for (const status of [
          { apiDestinationArn: null, status: 'pending', reason: null },
          {
            apiDestinationArn: 'arn:aws:events:eu-west-1:1:api-destination/d/1',
            status: 'active',
            reason: null,
          },
          { apiDestinationArn: null, status: 'fallback-pooled', reason: '300 rules per bus reached' },
          null,
        ] as const) {
          await store.setDedicatedStatus(tenantId, 'ep_sync', status);
          expect(await store.getEndpoint(tenantId, 'ep_sync')).toEqual({ ...created, dedicated: status });
        }
      });

      it('clears the dedicated status through a patch with dedicated: null', async () => {
        const { id: tenantId } = await tenant();
        await store.createEndpoint(newEndpoint(tenantId, { id: 'ep_c', transport: 'api-destination' }));
        await store.setDedicatedStatus(tenantId, 'ep_c', {
          apiDestinationArn: 'arn:x',
          status: 'active',
          reason: null,
        });
        expect(await store.updateEndpoint(tenantId, 'ep_c', { dedicated: null })).toMatchObject({
          dedicated: null,
        });
      });

      it("never sets the status of an unknown or another tenant's endpoint", async () => {
        const { id: owner } = await tenant();
        const { id: intruder } = await tenant();
        const endpoint = await store.createEndpoint(newEndpoint(owner, { id: 'ep_mine' }));
        const status = { apiDestinationArn: 'arn:x', status: 'active', reason: null } as const;
        await store.setDedicatedStatus(intruder, 'ep_mine', status);
        await expect(store.setDedicatedStatus(owner, 'ep_none', status)).resolves.toBeUndefined();
        expect(await store.getEndpoint(owner, 'ep_mine')).toEqual(endpoint);
        expect(await store.getEndpoint(owner, 'ep_none')).toBeUndefined();
        expect(await store.getEndpoint(intruder, 'ep_mine')).toBeUndefined();
      });
    });

    describe('disableEndpoint', () => {
      it('sets enabled to false with the reason and leaves the rest', async () => {
        const { id: tenantId } = await tenant();
        const endpoint = await store.createEndpoint(newEndpoint(tenantId, { id: 'ep_dis' }));
        await store.disableEndpoint(tenantId, 'ep_dis', 'receiver answered 410 Gone');
        expect(await store.getEndpoint(tenantId, 'ep_dis')).toEqual({
          ...endpoint,
          enabled: false,
          disabledReason: 'receiver answered 410 Gone',
          updatedAt: expect.any(Date),
        });
      });

      it('does nothing for an unknown endpoint', async () => {
        const { id: tenantId } = await tenant();
        await expect(store.disableEndpoint(tenantId, 'ep_none', 'x')).resolves.toBeUndefined();
        expect(await store.getEndpoint(tenantId, 'ep_none')).toBeUndefined();
      });
    });

    describe('fan-out reads', () => {
      let a: string;
      let b: string;
      let c: string;
      const endpoints = new Map<string, Endpoint>();

      beforeEach(async () => {
        a = (await tenant()).id;
        b = (await tenant()).id;
        c = (await tenant()).id;
        endpoints.clear();
        for (const input of [
          newEndpoint(a, { id: 'a_on' }),
          newEndpoint(a, { id: 'a_disabled' }),
          newEndpoint(a, { id: 'a_created_off', enabled: false }),
          newEndpoint(a, { id: 'a_on_2', eventTypes: ['x.*'], filter: { data: { k: ['v'] } } }),
          newEndpoint(b, { id: 'b_on' }),
          newEndpoint(c, { id: 'c_on' }),
        ]) {
          endpoints.set(input.id, await store.createEndpoint(input));
        }
        await store.disableEndpoint(a, 'a_disabled', 'too many failures');
      });

      it('lists only the enabled endpoints of the given tenants', async () => {
        const listed = await store.listEnabledEndpoints([a, b]);
        expect([...listed].sort(byId)).toEqual(
          [endpoints.get('a_on'), endpoints.get('a_on_2'), endpoints.get('b_on')].sort((x, y) =>
            byId(x as Endpoint, y as Endpoint),
          ),
        );
        expect(ids(await store.listEnabledEndpoints([c]))).toEqual(['c_on']);
        expect(await store.listEnabledEndpoints([])).toEqual([]);
        expect(await store.listEnabledEndpoints(['no-such-tenant'])).toEqual([]);
      });

      it('stops listing an endpoint once disabled, and lists it again once re-enabled', async () => {
        await store.disableEndpoint(b, 'b_on', 'gone');
        expect(await store.listEnabledEndpoints([b])).toEqual([]);
        await store.updateEndpoint(b, 'b_on', { enabled: true });
        expect(ids(await store.listEnabledEndpoints([b]))).toEqual(['b_on']);
      });

      it('gets endpoints by id whatever their tenant or state, ignoring unknown ids', async () => {
        const got = await store.getEndpointsByIds(['b_on', 'a_disabled', 'nope', 'a_on']);
        expect(ids([...got].sort(byId))).toEqual(['a_disabled', 'a_on', 'b_on']);
        expect(got.find((e) => e.id === 'b_on')).toEqual(endpoints.get('b_on'));
        expect(got.find((e) => e.id === 'a_disabled')).toMatchObject({
          tenantId: a,
          enabled: false,
          disabledReason: 'too many failures',
        });
        expect(await store.getEndpointsByIds([])).toEqual([]);
        expect(await store.getEndpointsByIds(['nope'])).toEqual([]);
      });
    });
  });
}
