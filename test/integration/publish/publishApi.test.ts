import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { fromPublicId, toPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

const harness = useTestRuntime();
const receivers: TestReceiver[] = [];
let tenantCounter = 0;

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

/** A tenant with one endpoint (all event types) pointing at a fresh receiver on 127.0.0.1. */
async function setup() {
  const tenant = await harness.api.createTenant(`pub-${++tenantCounter}`);
  const receiver = await new TestReceiver().start();
  receivers.push(receiver);
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
  return { tenant, receiver, verifier: new Webhook(endpoint.secret) };
}

/** Publishes the marker over HTTP, last, and returns what each receiver got before it. */
async function beforeMarker(apiKey: string, ...receivers: TestReceiver[]) {
  const res = await harness.api.call('POST', '/v1/events', apiKey, { type: 'test.marker', data: {} });
  expect(res.status).toBe(202);
  return webhooksBeforeMarker(harness.database.db, receivers, hasWebhookId(res.json.id));
}

const verify = (verifier: Webhook, webhook: ReceivedWebhook) =>
  verifier.verify(webhook.body, webhook.headers as Record<string, string>) as Record<string, unknown>;

describe('publishing app-defined events', () => {
  it('delivers an event published over HTTP as a signed webhook, id = webhook-id', async () => {
    const { tenant, receiver, verifier } = await setup();
    const res = await harness.api.call('POST', '/v1/events', tenant.apiKey, {
      type: 'invoice.paid',
      data: { invoice: 'in_1', amount: 1250, lines: [{ sku: 'a' }] },
      orderingKey: 'customer-7',
    });
    expect(res.status).toBe(202);
    expect(res.json.id).toMatch(/^evt_[0-9a-f]{32}$/);
    const [received] = await beforeMarker(tenant.apiKey, receiver);
    expect(received).toHaveLength(1);
    const webhook = received?.[0] as ReceivedWebhook;
    expect(webhook.headers['webhook-id']).toBe(res.json.id);
    const payload = verify(verifier, webhook);
    expect(payload).toMatchObject({
      type: 'invoice.paid',
      data: { invoice: 'in_1', amount: 1250, lines: [{ sku: 'a' }] },
    });
    const [row] = await harness.database.db.query<{ ordering_key: string }>(
      'select ordering_key from rowhook.outbox where id = $1',
      [fromPublicId('evt', res.json.id)],
    );
    expect(row?.ordering_key).toBe('customer-7');
  });

  it('delivers what rowhook.publish committed, and nothing of a rolled-back publish', async () => {
    const { tenant, receiver, verifier } = await setup();
    const client = await harness.database.client();
    await client.query('begin');
    await client.query(`select rowhook.publish($1, 'order.cancelled', '{"order": 1}')`, [tenant.id]);
    await client.query('rollback');
    await client.query('begin');
    const { rows } = await client.query(
      `select rowhook.publish($1, 'order.cancelled', '{"order": 2, "total": 12345678901234567890.10}')::text as id`,
      [tenant.id],
    );
    await client.query('commit');
    const [received] = await beforeMarker(tenant.apiKey, receiver);
    expect(received).toHaveLength(1);
    const webhook = received?.[0] as ReceivedWebhook;
    expect(webhook.headers['webhook-id']).toBe(toPublicId('evt', rows[0].id));
    verify(verifier, webhook);
    // Exact bytes: the numeric arrives as written, never through a JavaScript number.
    expect(webhook.body).toContain('"data":{"order": 2, "total": 12345678901234567890.10}');
  });

  it('returns the first id for a repeated idempotency key and sends one webhook', async () => {
    const { tenant, receiver } = await setup();
    const publish = () =>
      harness.api.call('POST', '/v1/events', tenant.apiKey, {
        type: 'payout.sent',
        data: { n: 1 },
        idempotencyKey: 'payout-42',
      });
    const first = await publish();
    const second = await publish();
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.json.id).toBe(first.json.id);
    const [received] = await beforeMarker(tenant.apiKey, receiver);
    expect(received?.map((w) => w.headers['webhook-id'])).toEqual([first.json.id]);
  });

  it('lets an operator publish for a tenant named by tenantId', async () => {
    const { tenant, receiver } = await setup();
    const res = await harness.api.call('POST', '/v1/events', TEST_ADMIN_TOKEN, {
      tenantId: tenant.id,
      type: 'plan.changed',
      data: { plan: 'pro' },
    });
    expect(res.status).toBe(202);
    const [received] = await beforeMarker(tenant.apiKey, receiver);
    expect(received?.map((w) => w.headers['webhook-id'])).toEqual([res.json.id]);
  });

  it('keeps tenants apart: a tenant key cannot publish for another tenant', async () => {
    const a = await setup();
    const b = await setup();
    const denied = await harness.api.call('POST', '/v1/events', a.tenant.apiKey, {
      tenantId: b.tenant.id,
      type: 'invoice.paid',
      data: {},
    });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toMatch(/own tenant only; leave out tenantId/);
    const published = await harness.api.call('POST', '/v1/events', a.tenant.apiKey, {
      type: 'secret.project',
      data: { codename: 'x' },
    });
    expect(published.status).toBe(202);
    // B receives neither; A receives its own.
    const [toA] = await beforeMarker(a.tenant.apiKey, a.receiver);
    const [toB] = await beforeMarker(b.tenant.apiKey, b.receiver);
    expect(toA?.map((w) => w.headers['webhook-id'])).toEqual([published.json.id]);
    expect(toB).toEqual([]);
    // Nor does B's catalog list the type A published.
    const catalogB = await harness.api.call('GET', '/v1/event-types', b.tenant.apiKey);
    expect(catalogB.status).toBe(200);
    expect(catalogB.json.items.map((t: { type: string }) => t.type)).not.toContain('secret.project');
    const catalogA = await harness.api.call('GET', '/v1/event-types', a.tenant.apiKey);
    expect(catalogA.json.items.map((t: { type: string }) => t.type)).toContain('secret.project');
    expect((await harness.api.call('GET', '/v1/event-types/secret.project', b.tenant.apiKey)).status).toBe(
      404,
    );
  });

  it('answers bad input with a 4xx that says what to fix, and writes nothing', async () => {
    const { tenant } = await setup();
    const before = await harness.database.db.query<{ n: number }>(
      'select count(*)::int as n from rowhook.outbox where tenant_id = $1',
      [tenant.id],
    );
    const post = (body: unknown, token = tenant.apiKey) =>
      harness.api.call('POST', '/v1/events', token, body);
    const cases: [unknown, number, RegExp, string?][] = [
      [{ type: 'bad type', data: {} }, 400, /type: may contain only letters/],
      [{ type: '', data: {} }, 400, /type: is required/],
      [{ type: 'a.b', data: [1] }, 400, /data: must be a JSON object/],
      [{ type: 'a.b' }, 400, /data: must be a JSON object/],
      [{ type: 'a.b', data: {}, extra: 1 }, 400, /unknown field\(s\) "extra"/],
      [{ type: 'a.b', data: {}, idempotencyKey: '' }, 400, /idempotencyKey: must not be empty/],
      [{ type: 'webhook.test', data: {} }, 400, /reserved for Rowhook's own webhook.test events/],
      [{ type: 'a.b', data: {} }, 400, /tenantId: required with the admin token/, TEST_ADMIN_TOKEN],
      [{ type: 'a.b', data: {}, tenantId: 'nobody' }, 404, /tenant "nobody" not found/, TEST_ADMIN_TOKEN],
      [{ type: 'a.b', data: {}, tenantId: '_rowhook-operator' }, 400, /reserved/, TEST_ADMIN_TOKEN],
      [{ type: 'a.b', data: { text: 'nul \u0000 byte' } }, 400, /PostgreSQL rejected a value/],
    ];
    for (const [body, status, message, token] of cases) {
      const res = await post(body, token);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.json.error.message).toMatch(message);
    }
    const after = await harness.database.db.query<{ n: number }>(
      'select count(*)::int as n from rowhook.outbox where tenant_id = $1',
      [tenant.id],
    );
    expect(after[0]?.n).toBe(before[0]?.n);
  });
});
