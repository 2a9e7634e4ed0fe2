import { afterAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

/** Operator endpoint views, the attempt tail, the paged tenant list and failed events. */

const MAX_EVENT_BYTES = 1024;
const harness = useTestRuntime({ ROWHOOK_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES) });
const admin = (method: string, path: string, body?: unknown) =>
  harness.api.call(method, path, TEST_ADMIN_TOKEN, body);
const receivers: TestReceiver[] = [];

async function receiver() {
  const r = await new TestReceiver().start();
  receivers.push(r);
  return r;
}

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

async function sendTest(apiKey: string, endpointId: string) {
  const res = await harness.api.call('POST', `/v1/endpoints/${endpointId}/test`, apiKey);
  expect(res.status).toBe(202);
  return res.json.eventId as string;
}

describe('operator endpoint views', () => {
  it('shows an endpoint with its health: attempts and successes in 24 h, last success and failure', async () => {
    const tenant = await harness.api.createTenant('views-health');
    const r = await receiver();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: r.url });
    const quiet = await harness.api.createEndpoint(tenant.apiKey, { url: r.url });
    await sendTest(tenant.apiKey, endpoint.id);
    await sendTest(tenant.apiKey, endpoint.id);
    await r.waitForCount(2);
    r.respondWithStatuses(503);
    await sendTest(tenant.apiKey, endpoint.id);
    await expect
      .poll(
        async () => (await admin('GET', `/v1/dead-letters?endpointId=${endpoint.id}`)).json.items.length,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);

    const one = await admin('GET', `/v1/tenants/${tenant.id}/endpoints/${endpoint.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: endpoint.id, url: r.url, enabled: true });
    expect(one.json.health).toEqual({
      attempts24h: 5,
      successes24h: 2,
      successRate: 0.4,
      lastSuccessAt: expect.any(String),
      lastFailureAt: expect.any(String),
      lastFailureError: 'HTTP 503',
    });
    expect(one.json.health.lastFailureAt > one.json.health.lastSuccessAt).toBe(true);

    const list = await admin('GET', `/v1/tenants/${tenant.id}/endpoints`);
    expect(list.status).toBe(200);
    expect(list.json.nextCursor).toBeNull();
    expect(list.json.items.map((e: { id: string }) => e.id)).toEqual([endpoint.id, quiet.id]);
    expect(list.json.items[1].health).toEqual({
      attempts24h: 0,
      successes24h: 0,
      successRate: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastFailureError: null,
    });
  });

  it('disables and re-enables an endpoint; after re-enabling it receives again', async () => {
    const tenant = await harness.api.createTenant('views-toggle');
    const r = await receiver();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: r.url });
    const path = `/v1/tenants/${tenant.id}/endpoints/${endpoint.id}`;

    const disabled = await admin('POST', `${path}/disable`, { reason: 'receiver under maintenance' });
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ enabled: false, disabledReason: 'receiver under maintenance' });
    const seenByTenant = await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
    expect(seenByTenant.json).toMatchObject({ enabled: false, disabledReason: 'receiver under maintenance' });

    // No body at all is fine too.
    const enabled = await admin('POST', `${path}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.json).toMatchObject({ enabled: true, disabledReason: null });
    await sendTest(tenant.apiKey, endpoint.id);
    await r.waitForCount(1);

    const again = await admin('POST', `${path}/disable`);
    expect(again.json).toMatchObject({ enabled: false, disabledReason: 'disabled by an operator' });
  });

  it('answers 404 for an unknown tenant, or an endpoint of another tenant', async () => {
    const a = await harness.api.createTenant('views-owner');
    const b = await harness.api.createTenant('views-other');
    const endpoint = await harness.api.createEndpoint(a.apiKey, { url: 'http://127.0.0.1:9/x' });
    for (const [method, path] of [
      ['GET', `/v1/tenants/nobody-here/endpoints`],
      ['GET', `/v1/tenants/${b.id}/endpoints/${endpoint.id}`],
      ['POST', `/v1/tenants/${b.id}/endpoints/${endpoint.id}/disable`],
      ['POST', `/v1/tenants/${b.id}/endpoints/${endpoint.id}/enable`],
    ] as const) {
      const res = await admin(method, path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    const untouched = await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, a.apiKey);
    expect(untouched.json.enabled).toBe(true);
  });
});

describe('GET /v1/attempts (tail)', () => {
  it('polls new attempts with the cursor; a tenant key sees only its own tenant', async () => {
    const a = await harness.api.createTenant('tail-a');
    const b = await harness.api.createTenant('tail-b');
    const r = await receiver();
    const endpointA = await harness.api.createEndpoint(a.apiKey, { url: r.url });
    const endpointB = await harness.api.createEndpoint(b.apiKey, { url: r.url });

    const startA = await harness.api.call('GET', '/v1/attempts', a.apiKey);
    const startAdmin = await admin('GET', '/v1/attempts?limit=100');
    expect(startA.status).toBe(200);
    const cursorA = startA.json.nextCursor as string;

    const eventA = await sendTest(a.apiKey, endpointA.id);
    const eventB = await sendTest(b.apiKey, endpointB.id);
    await r.waitForCount(2);
    // Attempts are recorded just after the receiver answers: poll until all the expected ones are in.
    const poll = async (token: string, query: string, expected: number) => {
      let items: { webhookId: string; tenantId: string; attemptedAt?: string }[] = [];
      await expect
        .poll(
          async () => {
            items = (await harness.api.call('GET', `/v1/attempts?${query}`, token)).json.items;
            return items.length;
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(expected);
      return items;
    };

    const forA = await poll(a.apiKey, `after=${encodeURIComponent(cursorA)}`, 1);
    expect(forA).toEqual([
      expect.objectContaining({
        webhookId: eventA,
        eventId: eventA,
        tenantId: a.id,
        endpointId: endpointA.id,
      }),
    ]);
    expect(forA[0]).toEqual({
      id: expect.any(String),
      deliveryId: expect.stringMatching(/^dlv_/),
      tenantId: a.id,
      endpointId: endpointA.id,
      eventId: eventA,
      webhookId: eventA,
      eventType: 'webhook.test',
      attempt: 1,
      attemptedAt: expect.any(String),
      status: 200,
      latencyMs: expect.any(Number),
      errorClass: null,
      errorMessage: null,
      // The endpoint's first delivery: webhook-sequence 1.
      sequence: 1,
      startedAt: forA[0]?.attemptedAt,
    });
    // The operator sees both tenants' attempts after its own cursor; filtered by tenant, only one.
    const forAdmin = await poll(
      TEST_ADMIN_TOKEN,
      `after=${encodeURIComponent(startAdmin.json.nextCursor)}`,
      2,
    );
    expect(forAdmin.map((x) => x.webhookId).sort()).toEqual([eventA, eventB].sort());
    const onlyB = await admin('GET', `/v1/attempts?tenantId=${b.id}&limit=100`);
    expect(onlyB.json.items.map((x: { webhookId: string }) => x.webhookId)).toEqual([eventB]);

    // Nothing new: no items, the same cursor back.
    const after = (
      await harness.api.call('GET', `/v1/attempts?after=${encodeURIComponent(cursorA)}`, a.apiKey)
    ).json;
    const quiet = await harness.api.call(
      'GET',
      `/v1/attempts?after=${encodeURIComponent(after.nextCursor)}`,
      a.apiKey,
    );
    expect(quiet.json).toEqual({ items: [], nextCursor: after.nextCursor });

    // A tenant key naming another tenant is refused, not answered with that tenant's attempts.
    const sneaky = await harness.api.call('GET', `/v1/attempts?tenantId=${b.id}`, a.apiKey);
    expect(sneaky.status).toBe(403);
    expect(JSON.stringify(sneaky.json)).not.toContain(eventB);
  });
});

describe('GET /v1/tenants (paged)', () => {
  it('pages through every tenant once, in id order', async () => {
    for (const id of ['page-c', 'page-a', 'page-b']) await harness.api.createTenant(id);
    const all = (await admin('GET', '/v1/tenants?limit=100')).json;
    expect(all.nextCursor).toBeNull();
    const ids = all.items.map((t: { id: string }) => t.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));

    const walked: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < ids.length + 1; pages++) {
      const res = await admin('GET', `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...res.json.items.map((t: { id: string }) => t.id));
      cursor = res.json.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(walked).toEqual(ids);
  });
});

describe('GET /v1/events/failed', () => {
  it('lists events the relay could not publish, with their size and the reason', async () => {
    const tenant = await harness.api.createTenant('failed-events');
    const { db } = harness.database;
    await db.query('create table big_rows (id bigint primary key, tenant_id text not null, note text)');
    await db.query(`select rowhook.track_table('big_rows', 'tenant_id')`);
    await db.query(`insert into big_rows values (1, $1, repeat('x', 2000)), (2, $1, 'small')`, [tenant.id]);

    let items: { id: string; sizeBytes: number; reason: string }[] = [];
    await expect
      .poll(
        async () => {
          items = (await admin('GET', `/v1/events/failed?tenantId=${tenant.id}`)).json.items;
          return items.length;
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      tenantId: tenant.id,
      eventType: 'big_rows.created',
      createdAt: expect.any(String),
      sizeBytes: expect.any(Number),
      reason: expect.stringContaining(`over the ${MAX_EVENT_BYTES}-byte limit`),
    });
    expect(items[0]?.sizeBytes).toBeGreaterThan(2000);
    expect((await admin('GET', '/v1/events/failed?tenantId=nobody')).json).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
