import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';

// Ordering per key through the real local runtime: the API option, and a key whose receiver keeps
// failing holding back only itself.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '400ms,400ms,400ms,400ms' });
let receiver: TestReceiver;

beforeAll(async () => {
  receiver = await new TestReceiver().start();
});
afterAll(async () => {
  await receiver?.stop();
});

interface Row {
  id: number;
  version: number;
}
const rowOf = (webhook: ReceivedWebhook) => (JSON.parse(webhook.body) as { data: Row }).data;
const is = (id: number, version: number) => (webhook: ReceivedWebhook) => {
  const row = rowOf(webhook);
  return row.id === id && row.version === version;
};

describe('endpoint option ordering', () => {
  it('is none by default, per-key when asked, changes with PATCH and is refused with a clear 400 when wrong', async () => {
    const { api } = harness;
    const tenant = await api.createTenant('ord-api');
    const other = await api.createTenant('ord-api-other');
    const plain = await api.createEndpoint(tenant.apiKey, { url: receiver.url });
    expect((await api.call('GET', `/v1/endpoints/${plain.id}`, tenant.apiKey)).json.ordering).toBe('none');
    const keyed = await api.createEndpoint(tenant.apiKey, { url: receiver.url, ordering: 'per-key' });
    expect((await api.call('GET', `/v1/endpoints/${keyed.id}`, tenant.apiKey)).json.ordering).toBe('per-key');
    const patched = await api.call('PATCH', `/v1/endpoints/${keyed.id}`, tenant.apiKey, { ordering: 'none' });
    expect([patched.status, patched.json.ordering]).toEqual([200, 'none']);

    const wrong = await api.call('POST', '/v1/endpoints', tenant.apiKey, {
      url: receiver.url,
      ordering: 'fifo',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toContain('ordering');
    expect(wrong.json.error.message).toContain('"per-key"');
    const dedicated = await api.call('PATCH', `/v1/endpoints/${keyed.id}`, tenant.apiKey, {
      ordering: 'per-key',
      transport: 'api-destination',
    });
    expect(dedicated.status).toBe(400);
    expect(dedicated.json.error.message).toContain('api-destination');

    // Another tenant's key cannot read or change it.
    const foreign = await api.call('PATCH', `/v1/endpoints/${keyed.id}`, other.apiKey, {
      ordering: 'per-key',
    });
    expect(foreign.status).toBe(404);
    expect((await api.call('GET', `/v1/endpoints/${keyed.id}`, tenant.apiKey)).json.ordering).toBe('none');

    const doc = (await api.call('GET', '/openapi.json', TEST_ADMIN_TOKEN)).json;
    for (const operation of [doc.paths['/v1/endpoints'].post, doc.paths['/v1/endpoints/{id}'].patch]) {
      expect(JSON.stringify(operation.requestBody)).toContain('"enum":["none","per-key"]');
    }
  });

  it('holds a failing key back until its delivery is dead-lettered, while other keys go on', async () => {
    const { api, database } = harness;
    const tenant = await api.createTenant('ord-keys');
    const endpoint = await api.createEndpoint(tenant.apiKey, { url: receiver.url, ordering: 'per-key' });
    await database.db.query(
      `create table ord_rows (id int primary key, tenant_id text not null, version int not null);
       select rowhook.track_table('ord_rows', 'tenant_id');`,
    );
    // Row 1 always fails; the others succeed.
    receiver.respondWith((webhook, _i, res) => res.writeHead(rowOf(webhook).id === 1 ? 500 : 200).end());
    const write = (sql: string) => database.db.query(sql, []);
    await write(`insert into ord_rows values (1, 'ord-keys', 0)`);
    await write('update ord_rows set version = 1 where id = 1');
    await write(`insert into ord_rows values (2, 'ord-keys', 0)`);
    for (let v = 1; v <= 3; v++) await write(`update ord_rows set version = ${v} where id = 2`);

    await receiver.waitFor(is(2, 3), 'row 2 version 3');
    // Row 2 went through all its versions while row 1's first delivery was still being retried.
    const [head] = await database.db.query<{ state: string; attempts: number }>(
      `select d.state, d.attempts from rowhook.deliveries d join rowhook.outbox o on o.id = d.event_id
        where d.endpoint_id = $1 and (o.body::jsonb -> 'data' ->> 'id')::int = 1
        order by d.event_id limit 1`,
      [endpoint.id],
    );
    expect(head?.state).toBe('pending');
    expect(receiver.received.filter(is(1, 0)).length).toBeGreaterThan(0);
    expect(receiver.received.filter(is(1, 1))).toEqual([]);
    expect(receiver.received.filter((w) => rowOf(w).id === 2).map((w) => rowOf(w).version)).toEqual([
      0, 1, 2, 3,
    ]);

    // Once row 1's first delivery is dead-lettered (5 attempts), its second is attempted, not before.
    await receiver.waitFor(is(1, 1), 'row 1 version 1');
    const firstOfNext = receiver.received.findIndex(is(1, 1));
    expect(receiver.received.slice(0, firstOfNext).filter(is(1, 0))).toHaveLength(5);
    const [dead] = await database.db.query<{ n: number }>(
      `select count(*)::int as n from rowhook.deliveries where endpoint_id = $1 and state = 'dead'`,
      [endpoint.id],
    );
    expect(dead?.n).toBeGreaterThanOrEqual(1);
    const verifier = new Webhook(endpoint.secret);
    for (const webhook of receiver.received)
      verifier.verify(webhook.body, webhook.headers as Record<string, string>);
  });
});
