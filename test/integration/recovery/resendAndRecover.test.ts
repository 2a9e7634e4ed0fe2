import type { ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { fromPublicId } from '../../../functions/core/ids/prefixedId.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { waitForPipelineDrained } from '../../support/waitForPipelineDrained.ts';
import { isRowNamed, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';
import { type RecoveryBody, waitForRecovery, windowEdge } from './recoverySupport.ts';

const harness = useTestRuntime();
let counter = 0;

/** A tenant, a receiver, an endpoint sending one attempt at a time (arrival order = queue order), a table. */
async function setup(endpoint: Record<string, unknown> = {}) {
  const n = ++counter;
  const tenant = await harness.api.createTenant(`recover-${n}`);
  const receiver = await new TestReceiver().start();
  const created = await harness.api.createEndpoint(tenant.apiKey, {
    url: receiver.url,
    maxConcurrency: 1,
    ...endpoint,
  });
  const table = `rec_items_${n}`;
  await harness.database.db.query(
    `create table ${table} (id bigint primary key, tenant_id text not null, name text)`,
  );
  await harness.database.db.query(`select rowhook.track_table('${table}', 'tenant_id')`);
  const insert = (id: number, name = `row-${id}`) =>
    harness.database.db.query(`insert into ${table} (id, tenant_id, name) values ($1, $2, $3)`, [
      id,
      tenant.id,
      name,
    ]);
  return { tenant, receiver, endpoint: created, table, insert, verifier: new Webhook(created.secret) };
}

/** Once the original attempt of this event (evt_...) is settled: a resend before that answers 409. */
const settled = (publicEventId: string) =>
  waitForPipelineDrained(harness.database.db, String(fromPublicId('evt', publicEventId)));

const webhookIds = (webhooks: { headers: Record<string, unknown> }[]) =>
  webhooks.map((w) => String(w.headers['webhook-id']));

describe('resend', () => {
  it('sends the event again with the same webhook-id, a valid signature and the same body', async () => {
    const { tenant, receiver, endpoint, insert, verifier } = await setup();
    await insert(1, 'first');
    await receiver.waitForCount(1);
    const [original] = receiver.received;
    if (!original) throw new Error('no original');
    const eventId = String(original.headers['webhook-id']);
    await settled(eventId);

    const res = await harness.api.call(
      'POST',
      `/v1/endpoints/${endpoint.id}/events/${eventId}/resend`,
      tenant.apiKey,
    );
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      deliveryId: expect.stringMatching(/^dlv_[0-9a-f]{32}$/),
      eventId,
      endpointId: endpoint.id,
    });

    await receiver.waitForCount(2);
    const again = receiver.received[1];
    if (!again) throw new Error('no resend');
    expect(again.headers['webhook-id']).toBe(eventId);
    expect(again.body).toBe(original.body);
    expect(verifier.verify(again.body, again.headers as Record<string, string>)).toMatchObject({
      data: { id: 1, name: 'first' },
    });
    // The resend is a new attempt of the same delivery, in its log.
    await settled(eventId);
    const log = await harness.api.call('GET', `/v1/endpoints/${endpoint.id}/deliveries`, tenant.apiKey);
    expect(
      (log.json as { items: { eventId: string }[] }).items.filter((a) => a.eventId === eventId),
    ).toHaveLength(2);
    await receiver.stop();
  });

  it('lets an operator resend too', async () => {
    const { receiver, endpoint, insert } = await setup();
    await insert(1);
    await receiver.waitForCount(1);
    const eventId = String(receiver.received[0]?.headers['webhook-id']);
    await settled(eventId);
    const res = await harness.api.call(
      'POST',
      `/v1/endpoints/${endpoint.id}/events/${eventId}/resend`,
      TEST_ADMIN_TOKEN,
    );
    expect(res.status).toBe(202);
    await receiver.waitForCount(2);
    expect(receiver.received[1]?.headers['webhook-id']).toBe(eventId);
    await receiver.stop();
  });

  it('answers 409 while an attempt of the event is under way, and queues it once that ends', async () => {
    const { tenant, receiver, endpoint, insert } = await setup();
    const held: ServerResponse[] = [];
    receiver.respondWith((_webhook, _index, response) => held.push(response));
    await insert(1);
    // The receiver holds the first attempt open: it is in flight for as long as the test wants.
    await receiver.waitForCount(1);
    const eventId = String(receiver.received[0]?.headers['webhook-id']);
    const path = `/v1/endpoints/${endpoint.id}/events/${eventId}/resend`;
    const busy = await harness.api.call('POST', path, tenant.apiKey);
    expect(busy.status).toBe(409);
    expect(busy.json.error).toMatchObject({
      code: 'attempt_in_flight',
      message: expect.stringContaining('right now'),
    });
    receiver.respondWithStatuses(200);
    for (const response of held) response.writeHead(200).end();
    await settled(eventId);
    expect((await harness.api.call('POST', path, tenant.apiKey)).status).toBe(202);
    await receiver.waitForCount(2);
    expect(receiver.received[1]?.headers['webhook-id']).toBe(eventId);
    await receiver.stop();
  });

  it('answers 404 for an unknown event, one never sent to that endpoint, and another tenant', async () => {
    const a = await setup();
    const other = await harness.api.createEndpoint(a.tenant.apiKey, {
      url: a.receiver.url,
      eventTypes: ['nothing.*'],
    });
    const b = await setup();
    await a.insert(1);
    await a.receiver.waitForCount(1);
    const eventId = String(a.receiver.received[0]?.headers['webhook-id']);
    const resend = (endpointId: string, id: string, token = a.tenant.apiKey) =>
      harness.api.call('POST', `/v1/endpoints/${endpointId}/events/${id}/resend`, token);

    const notMatched = await resend(other.id, eventId);
    expect(notMatched.status).toBe(404);
    expect(notMatched.json.error).toMatchObject({
      code: 'not_matched',
      message: expect.stringContaining('never sent'),
    });
    // A current UUIDv7 that names no event.
    const [fresh] = await harness.database.db.query<{ id: string }>(
      "select replace(rowhook.uuidv7()::text, '-', '') as id",
    );
    const unknown = await resend(a.endpoint.id, `evt_${fresh?.id}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('not found for this tenant');
    expect((await resend(a.endpoint.id, 'not-an-event')).status).toBe(404);
    expect((await resend('ep_nope', eventId)).status).toBe(404);
    // Tenant B can neither resend on A's endpoint nor reach A's event through its own.
    expect((await resend(a.endpoint.id, eventId, b.tenant.apiKey)).status).toBe(404);
    expect((await resend(b.endpoint.id, eventId, b.tenant.apiKey)).status).toBe(404);
    expect((await resend(a.endpoint.id, eventId, 'rk_wrong')).status).toBe(401);
    await a.receiver.stop();
    await b.receiver.stop();
  });
});

describe('recover', () => {
  it('re-sends exactly the window, in order, and reports the counts', async () => {
    const { tenant, receiver, endpoint, table, insert } = await setup();
    for (const id of [1, 2]) await insert(id);
    const since = await windowEdge(harness.database.db);
    for (const id of [3, 4, 5, 6, 7]) await insert(id);
    const until = await windowEdge(harness.database.db);
    for (const id of [8, 9]) await insert(id);
    await receiver.waitForCount(9);
    const byRow = new Map(
      receiver.received.map((w) => [JSON.parse(w.body).data.id as number, String(w.headers['webhook-id'])]),
    );
    const windowIds = [3, 4, 5, 6, 7].map((id) => byRow.get(id));
    const before = receiver.received.length;

    const res = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/recover`, tenant.apiKey, {
      since,
      until,
    });
    expect(res.status).toBe(202);
    const started = res.json as RecoveryBody;
    expect(started).toMatchObject({
      id: expect.stringMatching(/^rcv_/),
      endpointId: endpoint.id,
      since,
      until,
      total: 5,
      truncatedAt: null,
    });
    const job = await waitForRecovery(harness.api, tenant.apiKey, started.id);
    expect(job).toMatchObject({
      status: 'done',
      total: 5,
      sent: 5,
      error: null,
      finishedAt: expect.any(String),
    });

    // Nothing else re-sent: a marker written after the job is done arrives after all of it.
    await harness.database.db.query(`insert into ${table} (id, tenant_id, name) values (999, $1, 'marker')`, [
      tenant.id,
    ]);
    const [received] = await webhooksBeforeMarker(harness.database.db, [receiver], isRowNamed('marker'));
    expect(webhookIds((received ?? []).slice(before))).toEqual(windowIds);
    await receiver.stop();
  });

  /** Rows 1-2 delivered and settled, row 3's attempt held open by the receiver; then a job over all three. */
  async function recoverWithOneInFlight() {
    const ctx = await setup();
    const held: ServerResponse[] = [];
    const since = await windowEdge(harness.database.db);
    for (const id of [1, 2]) await ctx.insert(id);
    await ctx.receiver.waitForCount(2);
    await settled(String(ctx.receiver.received[1]?.headers['webhook-id']));
    ctx.receiver.respondWith((_webhook, _index, response) => held.push(response));
    await ctx.insert(3);
    await ctx.receiver.waitForCount(3);
    const originals = webhookIds(ctx.receiver.received);
    const res = await harness.api.call(
      'POST',
      `/v1/endpoints/${ctx.endpoint.id}/recover`,
      ctx.tenant.apiKey,
      {
        since,
      },
    );
    expect(res.status).toBe(202);
    const id = (res.json as RecoveryBody).id;
    // The job queues 1 and 2, then stops before 3, whose attempt is still in flight.
    await expect
      .poll(async () => (await harness.api.call('GET', `/v1/recoveries/${id}`, ctx.tenant.apiKey)).json, {
        timeout: 15_000,
      })
      .toMatchObject({ status: 'running', total: 3, sent: 2 });
    const release = () => {
      ctx.receiver.respondWithStatuses(200);
      for (const response of held.splice(0)) response.writeHead(200).end();
    };
    return { ...ctx, id, originals, release };
  }

  it('waits for an attempt in flight to finish, then re-sends that event too, in order', async () => {
    const { tenant, receiver, id, originals, release } = await recoverWithOneInFlight();
    release();
    const job = await waitForRecovery(harness.api, tenant.apiKey, id);
    expect(job).toMatchObject({ status: 'done', total: 3, sent: 3 });
    await receiver.waitForCount(6);
    expect(webhookIds(receiver.received.slice(3))).toEqual(originals);
    await receiver.stop();
  });

  it('fails, saying why, when the endpoint is deleted before the job is through', async () => {
    const { tenant, receiver, endpoint, id, release } = await recoverWithOneInFlight();
    expect((await harness.api.call('DELETE', `/v1/endpoints/${endpoint.id}`, tenant.apiKey)).status).toBe(
      204,
    );
    release();
    const job = await waitForRecovery(harness.api, tenant.apiKey, id);
    expect(job).toMatchObject({
      status: 'failed',
      sent: 2,
      error: expect.stringContaining('endpoint was deleted'),
    });
    expect(job.finishedAt).not.toBeNull();
    await receiver.stop();
  });

  it('refuses a disabled endpoint (409), whose deliveries would be dead-lettered at once', async () => {
    const { tenant, receiver, endpoint, insert } = await setup();
    await insert(1);
    await receiver.waitForCount(1);
    const eventId = String(receiver.received[0]?.headers['webhook-id']);
    await settled(eventId);
    const patched = await harness.api.call('PATCH', `/v1/endpoints/${endpoint.id}`, tenant.apiKey, {
      enabled: false,
    });
    expect(patched.status).toBe(200);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    for (const res of [
      await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/recover`, tenant.apiKey, { since }),
      await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/events/${eventId}/resend`, tenant.apiKey),
    ]) {
      expect(res.status).toBe(409);
      expect(res.json.error).toMatchObject({
        code: 'endpoint_disabled',
        message: expect.stringContaining('enable it first'),
      });
    }
    await receiver.stop();
  });

  it('finishes an empty window at once', async () => {
    const { tenant, endpoint } = await setup();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const res = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/recover`, tenant.apiKey, {
      since,
    });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ status: 'done', total: 0, sent: 0 });
  });

  it('refuses bad input with 4xx and a message naming the problem', async () => {
    const { tenant, endpoint } = await setup();
    const recover = (body: unknown, id = endpoint.id) =>
      harness.api.call('POST', `/v1/endpoints/${id}/recover`, tenant.apiKey, body);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const cases: [unknown, string][] = [
      [{}, 'since'],
      [{ since: 'yesterday' }, 'ISO-8601'],
      [{ since: new Date(Date.now() + 3_600_000).toISOString() }, 'not in the past'],
      [{ since: hourAgo, until: new Date(Date.now() - 7_200_000).toISOString() }, 'must be later than since'],
      [{ since: hourAgo, extra: 1 }, 'extra'],
      ['{not json', 'JSON'],
    ];
    for (const [body, words] of cases) {
      const res = await recover(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.message, JSON.stringify(body)).toContain(words);
    }
    expect((await recover({ since: hourAgo }, 'ep_nope')).status).toBe(404);
    expect((await harness.api.call('GET', '/v1/recoveries/rcv_nope', tenant.apiKey)).status).toBe(404);
  });

  it('keeps jobs to their tenant', async () => {
    const a = await setup();
    const b = await setup();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const started = await harness.api.call(
      'POST',
      `/v1/endpoints/${a.endpoint.id}/recover`,
      a.tenant.apiKey,
      { since },
    );
    expect(started.status).toBe(202);
    const id = (started.json as RecoveryBody).id;
    expect((await harness.api.call('GET', `/v1/recoveries/${id}`, a.tenant.apiKey)).status).toBe(200);
    expect((await harness.api.call('GET', `/v1/recoveries/${id}`, TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await harness.api.call('GET', `/v1/recoveries/${id}`, b.tenant.apiKey)).status).toBe(404);
    const foreign = await harness.api.call(
      'POST',
      `/v1/endpoints/${a.endpoint.id}/recover`,
      b.tenant.apiKey,
      { since },
    );
    expect(foreign.status).toBe(404);
  });
});

// Last in the file: these remove outbox rows, as the retention purge would, for every test after them.
describe('beyond the retention window', () => {
  it('says so: 410 for a resend, truncatedAt for a recover', async () => {
    const { tenant, receiver, endpoint, insert } = await setup();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    for (const id of [1, 2, 3]) await insert(id);
    await receiver.waitForCount(3);
    const [first, second, third] = webhookIds(receiver.received);
    await settled(String(third));
    // Purge everything up to the second event, as retention would.
    const uuid = (publicId: string | undefined) =>
      String(publicId)
        .slice(4)
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    await harness.database.db.query('delete from rowhook.outbox where id <= $1', [uuid(second)]);

    const gone = await harness.api.call(
      'POST',
      `/v1/endpoints/${endpoint.id}/events/${first}/resend`,
      tenant.apiKey,
    );
    expect(gone.status).toBe(410);
    expect(gone.json.error).toMatchObject({
      code: 'beyond_retention',
      message: expect.stringContaining('oldest event kept'),
    });

    const [oldest] = await harness.database.db.query<{ occurred_at: Date }>(
      'select occurred_at from rowhook.outbox order by id limit 1',
    );
    const res = await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/recover`, tenant.apiKey, {
      since,
    });
    expect(res.status).toBe(202);
    expect((res.json as RecoveryBody).truncatedAt).toBe(oldest?.occurred_at.toISOString());
    const job = await waitForRecovery(harness.api, tenant.apiKey, (res.json as RecoveryBody).id);
    expect(job).toMatchObject({ status: 'done', total: 1, sent: 1 });
    await receiver.waitFor(
      (w) => w.headers['webhook-id'] === third && receiver.received.indexOf(w) >= 3,
      'the kept event again',
    );
    await receiver.stop();
  });
});
