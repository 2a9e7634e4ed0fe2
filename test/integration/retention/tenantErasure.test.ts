import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';

// One retry 100 ms after the first attempt, then dead; the event size limit at its minimum so a
// big row becomes a failed event.
const harness = useTestRuntime({ ROWHOOK_RETRY_SCHEDULE: '100ms', ROWHOOK_MAX_EVENT_BYTES: '1024' });

const poll = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`expected ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Rows of every table in the rowhook schema whose text holds `marker`, by table. */
async function whereMarkerIs(marker: string) {
  const db = harness.database.db;
  const tables = await db.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = 'rowhook' order by 1`,
  );
  expect(tables.map((t) => t.name)).toEqual(
    expect.arrayContaining([
      'rowhook.outbox',
      'rowhook.deliveries',
      'rowhook.attempts',
      'rowhook.operational_events',
    ]),
  );
  const found: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from ${name} x where strpos(x::text, $1) > 0`,
      [marker],
    );
    if (row && row.n > 0) found[name] = row.n;
  }
  return found;
}

/** A tenant whose payloads carry `marker` everywhere Rowhook keeps them. */
async function tenantWithData(id: string, marker: string) {
  const db = harness.database.db;
  const tenant = await harness.api.createTenant(id);
  const ok = await new TestReceiver().start();
  ok.respondWith((_req, _i, res) => res.writeHead(200).end(`thanks ${marker}`));
  const failing = await new TestReceiver().start();
  failing.respondWith((_req, _i, res) => res.writeHead(500).end(`broken ${marker}`));
  await harness.api.createEndpoint(tenant.apiKey, { url: ok.url, eventTypes: [`${id}_ok.*`] });
  const failingEndpoint = await harness.api.createEndpoint(tenant.apiKey, {
    url: failing.url,
    eventTypes: [`${id}_dead.*`],
  });
  for (const suffix of ['ok', 'dead']) {
    await db.query(`create table ${id}_${suffix} (id int primary key, tenant_id text not null, note text)`);
    await db.query(`select rowhook.track_table('${id}_${suffix}', 'tenant_id')`);
  }
  await db.query(`insert into ${id}_ok values (1, $1, $2), (2, $1, repeat('x', 2000) || $2)`, [id, marker]);
  await db.query(`insert into ${id}_dead values (1, $1, $2)`, [id, marker]);
  await ok.waitForCount(1);
  await poll(
    () =>
      db.query(`select 1 from rowhook.deliveries where endpoint_id = $1 and state = 'dead'`, [
        failingEndpoint.id,
      ]),
    (rows) => rows.length === 1,
    'the dead letter',
  );
  // An event whose delivery fails (receiver gone): pending a retry, or dead, when the erasure comes.
  await ok.stop();
  const [event] = await db.query<{ id: string }>(
    `select rowhook.append_event($1, '${id}_ok.created', $2, null) as id`,
    [id, JSON.stringify({ type: `${id}_ok.created`, data: { note: marker } })],
  );
  await poll(
    () => db.query(`select 1 from rowhook.deliveries where event_id = $1`, [event?.id]),
    (rows) => rows.length === 1,
    'the failing delivery',
  );
  await failing.stop();
  return tenant;
}

describe('DELETE /v1/tenants/{id}/data', () => {
  it("erases every trace of one tenant's payloads and response bodies, keeps counts, leaves other tenants alone", async () => {
    const marker = 'MARKER-erase-7f3c9a';
    const otherMarker = 'MARKER-keep-51be02';
    await tenantWithData('erase_me', marker);
    await tenantWithData('keep_me', otherMarker);
    const db = harness.database.db;
    // Positive control: the search finds the payload, the response bodies and the failed event.
    const before = await whereMarkerIs(marker);
    expect(before['rowhook.outbox']).toBe(4);
    expect(before['rowhook.attempts']).toBeGreaterThanOrEqual(3);
    const counts = () =>
      db.query<{ events: number; attempts: number; deliveries: number }>(
        `select (select count(*)::int from rowhook.outbox where tenant_id = 'erase_me') as events,
                (select count(*)::int from rowhook.attempts where tenant_id = 'erase_me') as attempts,
                (select count(*)::int from rowhook.deliveries where tenant_id = 'erase_me') as deliveries`,
      );
    const [countsBefore] = await counts();

    const res = await harness.api.call('DELETE', '/v1/tenants/erase_me/data', TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      tenantId: 'erase_me',
      events: 4,
      attempts: countsBefore?.attempts,
      deadLettersErased: 0,
    });
    expect(res.json.deliveriesDiscarded).toBeGreaterThanOrEqual(1);

    expect(await whereMarkerIs(marker)).toEqual({});
    expect(await counts()).toEqual([countsBefore]);
    // The other tenant's data is untouched.
    expect(await whereMarkerIs(otherMarker)).toEqual(before);
    // Nothing of the tenant is left to send: no pending delivery, no dead letter to redrive.
    const open = await db.query(
      `select state from rowhook.deliveries where tenant_id = 'erase_me' and state in ('pending', 'dead')`,
    );
    expect(open).toEqual([]);
    const [body] = await db.query<{ body: string }>(
      `select body from rowhook.outbox where tenant_id = 'erase_me' and source_table = 'public.erase_me_dead'`,
    );
    expect(JSON.parse(body?.body ?? '')).toEqual({ type: 'erase_me_dead.created', erased: true });
  });

  it('is for operators only, and answers 404 for an unknown tenant', async () => {
    const tenant = await harness.api.createTenant('erase_auth');
    const asTenant = await harness.api.call('DELETE', '/v1/tenants/erase_auth/data', tenant.apiKey);
    expect(asTenant.status).toBe(403);
    const asOtherTenant = await harness.api.call('DELETE', '/v1/tenants/keep_me/data', tenant.apiKey);
    expect(asOtherTenant.status).toBe(403);
    const unknown = await harness.api.call('DELETE', '/v1/tenants/nobody_here/data', TEST_ADMIN_TOKEN);
    expect(unknown).toEqual({
      status: 404,
      json: { error: { code: 'not_found', message: 'tenant "nobody_here" not found' } },
    });
    const anonymous = await fetch(`${harness.runtime.apiUrl}/v1/tenants/erase_auth/data`, {
      method: 'DELETE',
    });
    expect(anonymous.status).toBe(401);
  });
});
