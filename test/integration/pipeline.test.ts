import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';
import { isRowNamed, webhooksBeforeMarker } from '../support/webhooksBeforeMarker.ts';

const harness = useTestRuntime();
let tableCounter = 0;

/** A tenant with one endpoint pointing at a fresh receiver, and a tracked table of its own. */
async function setup(options: { endpoint?: Record<string, unknown>; track?: string } = {}) {
  const n = ++tableCounter;
  const tenant = await harness.api.createTenant(`tenant-${n}`);
  const receiver = await new TestReceiver().start();
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, {
    url: receiver.url,
    ...options.endpoint,
  });
  const table = `items_${n}`;
  await harness.database.db.query(
    `create table ${table} (id bigint primary key, tenant_id text not null, name text, amount numeric,
       big bigint, secret text, created timestamptz default '2026-01-02T03:04:05.678Z', doc jsonb, tags text[])`,
  );
  await harness.database.db.query(
    `select rowhook.track_table('${table}', 'tenant_id'${options.track ?? ''})`,
  );
  return { tenant, receiver, endpoint, table, verifier: new Webhook(endpoint.secret) };
}

/**
 * The row whose webhook proves the rest of a test's webhooks have all arrived: inserted last, in a
 * transaction of its own, into the test's tracked table (so it goes to all of the tenant's endpoints).
 */
async function insertMarker(table: string, tenantId: string) {
  await harness.database.db.query(`insert into ${table} (id, tenant_id, name) values (999, $1, 'marker')`, [
    tenantId,
  ]);
}

/** Per receiver, what it got besides the marker, once the pipeline has processed everything up to it. */
const beforeMarker = (...receivers: TestReceiver[]) =>
  webhooksBeforeMarker(harness.database.db, receivers, isRowNamed('marker'));

function verify(verifier: Webhook, webhook: { headers: Record<string, unknown>; body: string }) {
  return verifier.verify(webhook.body, webhook.headers as Record<string, string>) as Record<string, unknown>;
}

describe('a committed row change becomes a signed webhook', () => {
  it('delivers exactly one verified webhook for a committed insert', async () => {
    const { tenant, receiver, table, verifier } = await setup();
    await harness.database.db.query(`insert into ${table} (id, tenant_id, name) values (1, $1, 'first')`, [
      tenant.id,
    ]);
    await insertMarker(table, tenant.id);
    const [received] = await beforeMarker(receiver);
    expect(received).toHaveLength(1);
    const [webhook] = received as typeof receiver.received;
    if (!webhook) throw new Error('no webhook');
    const payload = verify(verifier, webhook);
    expect(payload).toMatchObject({
      type: `${table}.created`,
      data: { id: 1, tenant_id: tenant.id, name: 'first' },
    });
    expect(String(webhook.headers['webhook-id'])).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await receiver.stop();
  });

  it('delivers nothing for a rolled-back transaction', async () => {
    const { tenant, receiver, table } = await setup();
    const client = await harness.database.client();
    await client.query('begin');
    await client.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await client.query('rollback');
    await insertMarker(table, tenant.id);
    const [received] = await beforeMarker(receiver);
    expect(received).toEqual([]);
    await receiver.stop();
  });

  it('sends the new row and the previous values on update, and the old row on delete', async () => {
    const { tenant, receiver, table, verifier } = await setup();
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, name, amount) values (1, $1, 'a', 10)`,
      [tenant.id],
    );
    await harness.database.db.query(`update ${table} set name = 'b' where id = 1`);
    await harness.database.db.query(`update ${table} set name = 'b' where id = 1`); // no change: no event
    await harness.database.db.query(`delete from ${table} where id = 1`);
    await insertMarker(table, tenant.id);
    const [received = []] = await beforeMarker(receiver);
    const payloads = received.map((w) => verify(verifier, w));
    const byType = Object.fromEntries(payloads.map((p) => [p.type, p]));
    expect(payloads).toHaveLength(3);
    expect(byType[`${table}.updated`]).toMatchObject({
      data: { name: 'b', amount: 10 },
      previous: { name: 'a' },
    });
    expect(Object.keys(byType[`${table}.updated`]?.previous as object)).toEqual(['name']);
    expect(byType[`${table}.deleted`]).toMatchObject({ data: { id: 1, name: 'b' } });
    expect(byType[`${table}.deleted`]).not.toHaveProperty('previous');
    await receiver.stop();
  });

  it('keeps big numbers, numerics, timestamps, jsonb and arrays exact, byte for byte as signed', async () => {
    const { tenant, receiver, table, verifier } = await setup();
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, big, amount, doc, tags) values
         (1, $1, 9223372036854775807, 1234567890123456789012345678901234.567890, '{"n": 12345678901234567890123, "s": "é"}', '{a,"b c"}')`,
      [tenant.id],
    );
    await receiver.waitForCount(1);
    const webhook = receiver.received[0];
    if (!webhook) throw new Error('no webhook');
    verify(verifier, webhook); // the signature covers exactly the bytes received
    expect(webhook.body).toContain('"big": 9223372036854775807');
    expect(webhook.body).toContain('"amount": 1234567890123456789012345678901234.567890');
    expect(webhook.body).toContain('"n": 12345678901234567890123');
    expect(webhook.body).toContain('"created": "2026-01-02T03:04:05.678+00:00"');
    expect(webhook.body).toContain('"tags": ["a", "b c"]');
    const [stored] = await harness.database.db.query<{ body: string }>(
      `select body from rowhook.outbox where tenant_id = $1`,
      [tenant.id],
    );
    expect(webhook.body).toBe(stored?.body);
    await receiver.stop();
  });

  it('tells the old tenant a row left (deleted) and the new one it arrived (created), nothing more', async () => {
    const { tenant, receiver, table } = await setup({ track: `, exclude_columns => '{secret}'` });
    const other = await harness.api.createTenant(`moved-${tenant.id.replace('tenant-', '')}`);
    const otherReceiver = await new TestReceiver().start();
    await harness.api.createEndpoint(other.apiKey, { url: otherReceiver.url });
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, name, secret) values (1, $1, 'a', 's')`,
      [tenant.id],
    );
    await receiver.waitForCount(1);
    await harness.database.db.query(`update ${table} set tenant_id = $1, name = 'b' where id = 1`, [
      other.id,
    ]);
    await receiver.waitForCount(2);
    await otherReceiver.waitForCount(1);
    const left = JSON.parse(receiver.received[1]?.body ?? '{}');
    const arrived = JSON.parse(otherReceiver.received[0]?.body ?? '{}');
    expect(left).toMatchObject({
      type: `${table}.deleted`,
      data: { id: 1, name: 'a', tenant_id: tenant.id },
    });
    expect(arrived).toMatchObject({
      type: `${table}.created`,
      data: { id: 1, name: 'b', tenant_id: other.id },
    });
    expect(arrived).not.toHaveProperty('previous');
    expect(otherReceiver.received[0]?.body).not.toContain(tenant.id);
    expect(receiver.received[1]?.body + (otherReceiver.received[0]?.body ?? '')).not.toContain('secret');
    await receiver.stop();
    await otherReceiver.stop();
  });

  it('never shows excluded columns, and an update of only excluded columns sends nothing', async () => {
    const { tenant, receiver, table } = await setup({ track: `, exclude_columns => '{secret}'` });
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, name, secret) values (1, $1, 'n', 's1')`,
      [tenant.id],
    );
    await harness.database.db.query(`update ${table} set secret = 's2' where id = 1`);
    await harness.database.db.query(`update ${table} set name = 'm', secret = 's3' where id = 1`);
    await insertMarker(table, tenant.id);
    const [received = []] = await beforeMarker(receiver);
    expect(received).toHaveLength(2);
    for (const webhook of receiver.received) expect(webhook.body).not.toContain('secret');
    expect(JSON.parse(received[1]?.body ?? '{}').previous).toEqual({ name: 'n' });
    await receiver.stop();
  });

  it('sends only the included columns', async () => {
    const { tenant, receiver, table } = await setup({ track: `, include_columns => '{id,name}'` });
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, name, secret) values (1, $1, 'n', 's')`,
      [tenant.id],
    );
    await receiver.waitForCount(1);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}').data).toEqual({ id: 1, name: 'n' });
    await receiver.stop();
  });

  it('applies event-type subscriptions and payload filters', async () => {
    const { tenant, receiver, table } = await setup({
      endpoint: { filter: { data: { amount: [{ numeric: ['>', 100] }] } } },
    });
    const updatesOnly = await new TestReceiver().start();
    await harness.api.createEndpoint(tenant.apiKey, {
      url: updatesOnly.url,
      eventTypes: [`${table}.updated`],
    });
    await harness.database.db.query(
      `insert into ${table} (id, tenant_id, amount) values (1, $1, 50), (2, $1, 500)`,
      [tenant.id],
    );
    await harness.database.db.query(`update ${table} set amount = 60 where id = 1`);
    // The marker is an update over 100: both endpoints want it.
    await harness.database.db.query(`update ${table} set amount = 1000, name = 'marker' where id = 2`);
    const [all = [], updates = []] = await beforeMarker(receiver, updatesOnly);
    expect(all.map((w) => JSON.parse(w.body).data.id)).toEqual([2]);
    expect(updates.map((w) => JSON.parse(w.body))).toMatchObject([
      { type: `${table}.updated`, data: { id: 1 } },
    ]);
    await receiver.stop();
    await updatesOnly.stop();
  });
});

describe('retries, dead letters and redrive', () => {
  it('retries a 500 and succeeds on the next attempt with the same webhook-id', async () => {
    const { tenant, receiver, table, verifier, endpoint } = await setup();
    receiver.respondWithStatuses(500, 200);
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await receiver.waitForCount(2);
    const [first, second] = receiver.received;
    expect(first?.headers['webhook-id']).toBe(second?.headers['webhook-id']);
    verify(verifier, second as never);
    await expect
      .poll(async () => (await deliveriesOf(tenant.apiKey, endpoint.id)).map((a) => a.status))
      .toEqual([200, 500]);
    await receiver.stop();
  });

  it('dead-letters after the schedule is exhausted; redrive delivers with the same webhook-id', async () => {
    const { tenant, receiver, table, endpoint, verifier } = await setup();
    receiver.respondWithStatuses(500);
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await receiver.waitForCount(3); // schedule 100ms,100ms: three attempts
    const dead = await expect
      .poll(
        async () =>
          (await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN)).json
            .items,
      )
      .toHaveLength(1);
    void dead;
    const list = await harness.api.call(
      'GET',
      `/v1/dead-letters?endpointId=${endpoint.id}`,
      TEST_ADMIN_TOKEN,
    );
    const item = list.json.items[0];
    expect(item).toMatchObject({
      tenantId: tenant.id,
      endpointId: endpoint.id,
      attempts: 3,
      lastStatus: 500,
    });
    expect(item.lastError).toMatch(/exhausted after 3 attempts/);

    const detail = await harness.api.call('GET', `/v1/dead-letters/${item.id}`, TEST_ADMIN_TOKEN);
    expect(detail.status).toBe(200);
    expect(detail.json.attemptsLog.map((a: { status: number }) => a.status)).toEqual([500, 500, 500]);
    expect(detail.json.body).toBe(receiver.received[0]?.body);

    receiver.respondWithStatuses(200);
    const redrive = await harness.api.call('POST', `/v1/dead-letters/${item.id}/redrive`, TEST_ADMIN_TOKEN);
    expect(redrive.status).toBe(202);
    await receiver.waitForCount(4);
    const last = receiver.received[3];
    expect(last?.headers['webhook-id']).toBe(receiver.received[0]?.headers['webhook-id']);
    verify(verifier, last as never);
    await expect
      .poll(
        async () =>
          (await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN)).json
            .items,
      )
      .toHaveLength(0);
    await receiver.stop();
  });

  it('redrives everything matching a filter, and discards', async () => {
    const { tenant, receiver, table, endpoint } = await setup();
    receiver.respondWithStatuses(500);
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1), (2, $1), (3, $1)`, [
      tenant.id,
    ]);
    await expect
      .poll(
        async () =>
          (await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}`, TEST_ADMIN_TOKEN)).json
            .items,
        {
          timeout: 10_000,
        },
      )
      .toHaveLength(3);
    const items = (
      await harness.api.call('GET', `/v1/dead-letters?tenantId=${tenant.id}&limit=1`, TEST_ADMIN_TOKEN)
    ).json;
    expect(items.items).toHaveLength(1);
    expect(items.nextCursor).toEqual(expect.any(String));
    expect(
      (await harness.api.call('DELETE', `/v1/dead-letters/${items.items[0].id}`, TEST_ADMIN_TOKEN)).status,
    ).toBe(204);
    expect(
      (await harness.api.call('GET', `/v1/dead-letters/${items.items[0].id}`, TEST_ADMIN_TOKEN)).status,
    ).toBe(404);

    receiver.respondWithStatuses(200);
    const before = receiver.received.length;
    const bulk = await harness.api.call('POST', '/v1/dead-letters/redrive', TEST_ADMIN_TOKEN, {
      endpointId: endpoint.id,
    });
    expect(bulk).toEqual({ status: 202, json: { count: 2, remaining: 0 } });
    await receiver.waitForCount(before + 2);
    await receiver.stop();
  });

  it('disables the endpoint when the receiver answers 410 Gone', async () => {
    const { tenant, receiver, table, endpoint } = await setup();
    receiver.respondWithStatuses(410);
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await expect
      .poll(
        async () =>
          (await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey)).json.enabled,
      )
      .toBe(false);
    expect(receiver.received).toHaveLength(1);
    const view = await harness.api.call('GET', `/v1/endpoints/${endpoint.id}`, tenant.apiKey);
    expect(view.json.disabledReason).toMatch(/410/);
    await receiver.stop();
  });
});

describe('hostile or broken receivers', () => {
  it('stores a response with NUL bytes and settles the delivery', async () => {
    const { tenant, receiver, table, endpoint } = await setup();
    receiver.respondWith((_req, _i, res) => res.writeHead(200).end('ok\u0000done'));
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await expect.poll(async () => (await deliveriesOf(tenant.apiKey, endpoint.id)).length).toBe(1);
    const [attempt] = await deliveriesOf(tenant.apiKey, endpoint.id);
    expect(attempt).toMatchObject({ status: 200, responseSnippet: 'ok\uFFFDdone' });
    await insertMarker(table, tenant.id);
    const [received] = await beforeMarker(receiver);
    expect(received).toHaveLength(1);
    await receiver.stop();
  });

  it('treats a status outside HTTP range as a failed attempt and dead-letters when spent', async () => {
    const { tenant, receiver, table, endpoint } = await setup();
    receiver.respondWith((_req, _i, res) => res.socket?.end('HTTP/1.1 999 Odd\r\ncontent-length: 0\r\n\r\n'));
    await harness.database.db.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
    await expect
      .poll(
        async () =>
          (await harness.api.call('GET', `/v1/dead-letters?endpointId=${endpoint.id}`, TEST_ADMIN_TOKEN)).json
            .items,
      )
      .toHaveLength(1);
    const attempts = await deliveriesOf(tenant.apiKey, endpoint.id);
    expect(attempts).toHaveLength(3);
    expect(attempts[0]).toMatchObject({
      status: null,
      errorClass: 'other',
      error: 'invalid HTTP status 999',
    });
    expect(receiver.received).toHaveLength(3);
    await receiver.stop();
  });
});

describe('the nudge is only a wake-up', () => {
  it('commits writes and still delivers through the sweeper when the relay cannot be invoked', async () => {
    const { tenant, receiver, table } = await setup();
    await harness.database.db.query(`update rowhook.settings set relay_function = 'no-such-function'`);
    try {
      const client = await harness.database.client();
      const warnings: string[] = [];
      client.on('notice', (notice) => warnings.push(notice.message ?? ''));
      await client.query(`insert into ${table} (id, tenant_id) values (1, $1)`, [tenant.id]);
      expect(warnings.join('\n')).toMatch(/could not nudge relay no-such-function/);
      const [row] = await harness.database.db.query(`select count(*)::int as n from ${table}`);
      expect(row?.n).toBe(1);
      await receiver.waitForCount(1, 10_000);
    } finally {
      await harness.database.db.query(`update rowhook.settings set relay_function = 'rowhook-relay'`);
    }
    await receiver.stop();
  });

  it('sends a test event to one endpoint only', async () => {
    const { tenant, receiver, endpoint, verifier, table } = await setup();
    const other = await new TestReceiver().start();
    await harness.api.createEndpoint(tenant.apiKey, { url: other.url });
    const res = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(res.status).toBe(202);
    await insertMarker(table, tenant.id);
    const [targeted = [], notTargeted] = await beforeMarker(receiver, other);
    expect(notTargeted).toEqual([]);
    expect(targeted.map((w) => w.headers['webhook-id'])).toEqual([res.json.eventId]);
    expect(verify(verifier, targeted[0] as never)).toMatchObject({ type: 'webhook.test' });
    await receiver.stop();
    await other.stop();
  });
});

async function deliveriesOf(apiKey: string, endpointId: string): Promise<Record<string, unknown>[]> {
  return (await harness.api.call('GET', `/v1/endpoints/${endpointId}/deliveries`, apiKey)).json.items;
}
