import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { apiClient, startTestRuntime, TEST_ADMIN_TOKEN } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

let database: TestDatabase;
let runtime: LocalRuntime;
let api: ReturnType<typeof apiClient>;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  runtime = await startTestRuntime(database.url);
  api = apiClient(runtime.apiUrl);
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
  await runtime?.stop();
  await database?.drop();
});

async function receiver(): Promise<TestReceiver> {
  const r = await new TestReceiver().start();
  receivers.push(r);
  return r;
}

/** A request with an arbitrary Authorization header (or none); the body is sent as JSON when given. */
async function send(method: string, path: string, authorization: string | undefined, body?: unknown) {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function countRows(sql: string, params: unknown[]): Promise<number> {
  const [row] = await database.db.query<{ n: number }>(sql, params as string[]);
  return row?.n ?? -1;
}

/**
 * Every endpoint id a tenant can list. One page of up to 250: paging with a cursor is covered (and
 * currently broken) in knownBugs.test.ts.
 */
async function listAllEndpointIds(apiKey: string): Promise<string[]> {
  const res = await api.call('GET', '/v1/endpoints?limit=250', apiKey);
  expect(res.status).toBe(200);
  expect(res.json.nextCursor).toBeNull();
  return res.json.items.map((e: { id: string }) => e.id);
}

describe('tenant B cannot see or touch tenant A endpoints', () => {
  let tenantA: { id: string; apiKey: string };
  let tenantB: { id: string; apiKey: string };
  let endpointA: { id: string; secret: string };
  let endpointB: { id: string; secret: string };
  let receiverA: TestReceiver;
  let receiverB: TestReceiver;

  /** What tenant A sees of its endpoint; must be identical before and after B's attempts. */
  async function snapshotOfA() {
    const view = await api.call('GET', `/v1/endpoints/${endpointA.id}`, tenantA.apiKey);
    const secret = await api.call('GET', `/v1/endpoints/${endpointA.id}/secret`, tenantA.apiKey);
    const deliveries = await api.call('GET', `/v1/endpoints/${endpointA.id}/deliveries`, tenantA.apiKey);
    return {
      viewStatus: view.status,
      view: view.json,
      secret: secret.json,
      deliveries: deliveries.json,
      secretRows: await countRows(
        'select count(*)::int as n from rowhook.endpoint_secrets where endpoint_id = $1',
        [endpointA.id],
      ),
      targetedEvents: await countRows(
        'select count(*)::int as n from rowhook.outbox where target_endpoint_id = $1',
        [endpointA.id],
      ),
    };
  }

  beforeAll(async () => {
    tenantA = await api.createTenant('iso-a');
    tenantB = await api.createTenant('iso-b');
    receiverA = await receiver();
    receiverB = await receiver();
    endpointA = await api.createEndpoint(tenantA.apiKey, {
      url: receiverA.url,
      description: 'belongs to A',
      eventTypes: ['orders.*'],
    });
    endpointB = await api.createEndpoint(tenantB.apiKey, { url: receiverB.url, description: 'belongs to B' });
  });

  const byIdRoutes: { name: string; method: string; suffix: string; body?: (b: TestReceiver) => unknown }[] =
    [
      { name: 'GET /v1/endpoints/{id}', method: 'GET', suffix: '' },
      {
        name: 'PATCH /v1/endpoints/{id}',
        method: 'PATCH',
        suffix: '',
        body: (b) => ({ url: b.url, description: 'hijacked', enabled: false, eventTypes: ['x.y'] }),
      },
      { name: 'DELETE /v1/endpoints/{id}', method: 'DELETE', suffix: '' },
      { name: 'GET /v1/endpoints/{id}/secret', method: 'GET', suffix: '/secret' },
      { name: 'POST /v1/endpoints/{id}/rotate-secret', method: 'POST', suffix: '/rotate-secret' },
      { name: 'POST /v1/endpoints/{id}/test', method: 'POST', suffix: '/test' },
      { name: 'GET /v1/endpoints/{id}/deliveries', method: 'GET', suffix: '/deliveries' },
    ];

  it.each(byIdRoutes)('$name with B’s key and A’s id → 404 not_found, A unchanged', async (route) => {
    const before = await snapshotOfA();
    expect(before.viewStatus).toBe(200);
    expect(before.secret.secret).toBe(endpointA.secret);

    const res = await api.call(
      route.method,
      `/v1/endpoints/${endpointA.id}${route.suffix}`,
      tenantB.apiKey,
      route.body?.(receiverB),
    );
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(res.json.error.message).toContain(endpointA.id);
    // Nothing of A's leaks into the error.
    expect(JSON.stringify(res.json)).not.toContain(endpointA.secret);
    expect(JSON.stringify(res.json)).not.toContain(receiverA.url);

    const after = await snapshotOfA();
    expect(after).toEqual(before);
    expect(after.view).toMatchObject({
      id: endpointA.id,
      url: receiverA.url,
      description: 'belongs to A',
      eventTypes: ['orders.*'],
      enabled: true,
    });
    expect(after.secretRows).toBe(1);
    expect(after.targetedEvents).toBe(0);
  });

  it('the same routes with B’s own endpoint id work for B (the 404s above are about ownership)', async () => {
    for (const route of byIdRoutes.filter((r) => r.method !== 'DELETE' && r.method !== 'PATCH')) {
      const res = await api.call(
        route.method,
        `/v1/endpoints/${endpointB.id}${route.suffix}`,
        tenantB.apiKey,
      );
      expect(res.status, route.name).toBeLessThan(300);
    }
  });

  it('listing by B never includes A’s endpoints, and A’s listing never includes B’s', async () => {
    const extraB = await api.createEndpoint(tenantB.apiKey, { url: receiverB.url });
    const extraA = await api.createEndpoint(tenantA.apiKey, { url: receiverA.url });
    const listedByB = await listAllEndpointIds(tenantB.apiKey);
    const listedByA = await listAllEndpointIds(tenantA.apiKey);
    expect(listedByB).toContain(endpointB.id);
    expect(listedByB).toContain(extraB.id);
    expect(listedByB).not.toContain(endpointA.id);
    expect(listedByB).not.toContain(extraA.id);
    expect(listedByA).toContain(endpointA.id);
    expect(listedByA).toContain(extraA.id);
    expect(listedByA).not.toContain(endpointB.id);
    expect(listedByA).not.toContain(extraB.id);

    const page = await api.call('GET', '/v1/endpoints', tenantB.apiKey);
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.json)).not.toContain(receiverA.url);
    for (const id of [extraA.id, extraB.id]) {
      const owner = id === extraA.id ? tenantA : tenantB;
      expect((await api.call('DELETE', `/v1/endpoints/${id}`, owner.apiKey)).status).toBe(204);
    }
  });

  it('POST /v1/endpoints by B creates an endpoint that only B owns', async () => {
    const created = await api.call('POST', '/v1/endpoints', tenantB.apiKey, { url: receiverB.url });
    expect(created.status).toBe(201);
    const [row] = await database.db.query<{ tenant_id: string }>(
      'select tenant_id from rowhook.endpoints where id = $1',
      [created.json.id],
    );
    expect(row?.tenant_id).toBe(tenantB.id);
    expect((await api.call('GET', `/v1/endpoints/${created.json.id}`, tenantA.apiKey)).status).toBe(404);
    expect(await listAllEndpointIds(tenantA.apiKey)).not.toContain(created.json.id);
    expect((await api.call('DELETE', `/v1/endpoints/${created.json.id}`, tenantB.apiKey)).status).toBe(204);
  });

  it('A still owns its untouched endpoint after all of B’s attempts', async () => {
    const res = await api.call('GET', `/v1/endpoints/${endpointA.id}`, tenantA.apiKey);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ url: receiverA.url, description: 'belongs to A', enabled: true });
    // A's own test event, sent last, is the only thing A's receiver may have got: none of B's
    // attempts (test events included) reached it.
    const marker = await api.call('POST', `/v1/endpoints/${endpointA.id}/test`, tenantA.apiKey);
    expect(marker.status).toBe(202);
    const [received] = await webhooksBeforeMarker(
      database.db,
      [receiverA],
      hasWebhookId(marker.json.eventId),
    );
    expect(received).toEqual([]);
  });
});

describe('operator routes and tenant routes refuse the wrong credentials', () => {
  let tenant: { id: string; apiKey: string };
  let endpoint: { id: string };
  let deadLetterId: string;

  beforeAll(async () => {
    tenant = await api.createTenant('auth-t');
    const failing = await receiver();
    failing.respondWithStatuses(500);
    endpoint = await api.createEndpoint(tenant.apiKey, { url: failing.url });
    // A real dead letter, so refused operator calls could visibly change something if they went through.
    await api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    // (expect.poll is only allowed inside tests; vi.waitFor does the same in a hook.)
    deadLetterId = await vi.waitFor(
      async () => {
        const list = await api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN);
        expect(list.json.items).toHaveLength(1);
        return list.json.items[0].id as string;
      },
      { timeout: 15_000, interval: 50 },
    );
  });

  const operatorRoutes: { name: string; method: string; path: () => string; body?: unknown }[] = [
    {
      name: 'POST /v1/tenants',
      method: 'POST',
      path: () => '/v1/tenants',
      body: { id: 'sneaky', name: 'x' },
    },
    { name: 'GET /v1/tenants', method: 'GET', path: () => '/v1/tenants' },
    { name: 'GET /v1/dead-letters', method: 'GET', path: () => '/v1/dead-letters' },
    {
      name: 'POST /v1/dead-letters/redrive',
      method: 'POST',
      path: () => '/v1/dead-letters/redrive',
      body: {},
    },
    { name: 'GET /v1/dead-letters/{id}', method: 'GET', path: () => `/v1/dead-letters/${deadLetterId}` },
    {
      name: 'DELETE /v1/dead-letters/{id}',
      method: 'DELETE',
      path: () => `/v1/dead-letters/${deadLetterId}`,
    },
    {
      name: 'POST /v1/dead-letters/{id}/redrive',
      method: 'POST',
      path: () => `/v1/dead-letters/${deadLetterId}/redrive`,
    },
    { name: 'GET /v1/dead-letters/summary', method: 'GET', path: () => '/v1/dead-letters/summary' },
    {
      name: 'GET /v1/tenants/{tenantId}/endpoints',
      method: 'GET',
      path: () => `/v1/tenants/${tenant.id}/endpoints`,
    },
    {
      name: 'GET /v1/tenants/{tenantId}/endpoints/{id}',
      method: 'GET',
      path: () => `/v1/tenants/${tenant.id}/endpoints/${endpoint.id}`,
    },
    {
      name: 'POST /v1/tenants/{tenantId}/endpoints/{id}/disable',
      method: 'POST',
      path: () => `/v1/tenants/${tenant.id}/endpoints/${endpoint.id}/disable`,
      body: { reason: 'not by a tenant' },
    },
    {
      name: 'POST /v1/tenants/{tenantId}/endpoints/{id}/enable',
      method: 'POST',
      path: () => `/v1/tenants/${tenant.id}/endpoints/${endpoint.id}/enable`,
    },
    { name: 'GET /v1/events/failed', method: 'GET', path: () => '/v1/events/failed' },
  ];

  async function operatorStateUnchanged() {
    const tenants = await api.call('GET', '/v1/tenants', TEST_ADMIN_TOKEN);
    expect(tenants.json.items.map((t: { id: string }) => t.id)).not.toContain('sneaky');
    const dead = await api.call('GET', `/v1/dead-letters/${deadLetterId}`, TEST_ADMIN_TOKEN);
    expect(dead.status).toBe(200);
    expect(dead.json).toMatchObject({ id: deadLetterId, attempts: 3, lastStatus: 500 });
    const own = await api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
    expect(own.json).toMatchObject({ enabled: true, disabledReason: null });
  }

  it.each(operatorRoutes)('$name refuses a tenant API key with 403 forbidden', async (route) => {
    const res = await send(route.method, route.path(), `Bearer ${tenant.apiKey}`, route.body);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/admin token/) } });
    await operatorStateUnchanged();
  });

  const badCredentials: { name: string; authorization: string | undefined }[] = [
    { name: 'no Authorization header', authorization: undefined },
    { name: 'an empty bearer', authorization: 'Bearer ' },
    { name: 'a wrong admin token', authorization: `Bearer ${TEST_ADMIN_TOKEN}x` },
    { name: 'the admin token with the wrong scheme', authorization: `Basic ${TEST_ADMIN_TOKEN}` },
  ];

  for (const credential of badCredentials) {
    it.each(operatorRoutes)(`$name refuses ${credential.name} with 401`, async (route) => {
      const res = await send(route.method, route.path(), credential.authorization, route.body);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      await operatorStateUnchanged();
    });
  }

  const tenantRoutes: { name: string; method: string; path: () => string; body?: unknown }[] = [
    {
      name: 'POST /v1/endpoints',
      method: 'POST',
      path: () => '/v1/endpoints',
      body: { url: 'http://127.0.0.1/' },
    },
    { name: 'GET /v1/endpoints', method: 'GET', path: () => '/v1/endpoints' },
    { name: 'GET /v1/endpoints/{id}', method: 'GET', path: () => `/v1/endpoints/${endpoint.id}` },
    {
      name: 'PATCH /v1/endpoints/{id}',
      method: 'PATCH',
      path: () => `/v1/endpoints/${endpoint.id}`,
      body: { description: 'by admin' },
    },
    { name: 'DELETE /v1/endpoints/{id}', method: 'DELETE', path: () => `/v1/endpoints/${endpoint.id}` },
    {
      name: 'GET /v1/endpoints/{id}/secret',
      method: 'GET',
      path: () => `/v1/endpoints/${endpoint.id}/secret`,
    },
    {
      name: 'POST /v1/endpoints/{id}/rotate-secret',
      method: 'POST',
      path: () => `/v1/endpoints/${endpoint.id}/rotate-secret`,
    },
    { name: 'POST /v1/endpoints/{id}/test', method: 'POST', path: () => `/v1/endpoints/${endpoint.id}/test` },
    {
      name: 'GET /v1/endpoints/{id}/deliveries',
      method: 'GET',
      path: () => `/v1/endpoints/${endpoint.id}/deliveries`,
    },
  ];

  it.each(tenantRoutes)(
    '$name refuses the admin token, a missing key and an unknown key with 401',
    async (route) => {
      const before = await api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
      for (const authorization of [
        `Bearer ${TEST_ADMIN_TOKEN}`,
        undefined,
        'Bearer rk_not-a-real-key-000000000000000000',
      ]) {
        const res = await send(route.method, route.path(), authorization, route.body);
        expect(res.status, String(authorization)).toBe(401);
        expect(res.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
      const after = await api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
      expect(after).toEqual(before);
      const [row] = await database.db.query<{ n: number }>(
        'select count(*)::int as n from rowhook.endpoints where tenant_id = $1',
        [tenant.id],
      );
      expect(row?.n).toBe(1);
    },
  );
});

describe('the pipeline keeps tenants apart', () => {
  it('delivers tenant A’s rows only to A’s endpoint and B’s only to B’s', async () => {
    const tenantA = await api.createTenant('pipe-a');
    const tenantB = await api.createTenant('pipe-b');
    const receiverA = await receiver();
    const receiverB = await receiver();
    const endpointA = await api.createEndpoint(tenantA.apiKey, { url: receiverA.url });
    const endpointB = await api.createEndpoint(tenantB.apiKey, { url: receiverB.url });
    await database.db.query('create table shared_orders (id bigint primary key, tenant_id text, note text)');
    await database.db.query(`select rowhook.track_table('shared_orders', 'tenant_id')`);
    await database.db.query(
      `insert into shared_orders (id, tenant_id, note) values
         (1, $1, 'a1'), (2, $2, 'b1'), (3, $1, 'a2'), (4, 'nobody', 'orphan'), (5, $2, 'b2'), (6, $1, 'a3')`,
      [tenantA.id, tenantB.id],
    );

    await expect.poll(() => receiverA.received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => receiverB.received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    const payloadsA = receiverA.received.map((w) =>
      new Webhook(endpointA.secret).verify(w.body, w.headers as Record<string, string>),
    ) as { data: { id: number; tenant_id: string } }[];
    const payloadsB = receiverB.received.map((w) =>
      new Webhook(endpointB.secret).verify(w.body, w.headers as Record<string, string>),
    ) as { data: { id: number; tenant_id: string } }[];
    expect(payloadsA.map((p) => p.data.id).sort()).toEqual([1, 3, 6]);
    expect(payloadsB.map((p) => p.data.id).sort()).toEqual([2, 5]);
    for (const p of payloadsA) expect(p.data.tenant_id).toBe(tenantA.id);
    for (const p of payloadsB) expect(p.data.tenant_id).toBe(tenantB.id);
    // Each endpoint's secret signs only its own tenant's deliveries.
    for (const w of receiverB.received) {
      expect(() =>
        new Webhook(endpointA.secret).verify(w.body, w.headers as Record<string, string>),
      ).toThrow();
    }

    // The queue never paired an event with another tenant's endpoint.
    const [mixed] = await database.db.query<{ n: number }>(
      `select count(*)::int as n
         from rowhook.deliveries d
         join rowhook.outbox o on o.id = d.event_id
         join rowhook.endpoints e on e.id = d.endpoint_id
        where o.tenant_id <> e.tenant_id or d.tenant_id <> e.tenant_id`,
    );
    expect(mixed?.n).toBe(0);
    await expect
      .poll(
        async () =>
          (await api.call('GET', `/v1/endpoints/${endpointA.id}/deliveries`, tenantA.apiKey)).json.items
            .length,
      )
      .toBe(3);
    expect((await api.call('GET', `/v1/endpoints/${endpointA.id}/deliveries`, tenantB.apiKey)).status).toBe(
      404,
    );
  });
});
