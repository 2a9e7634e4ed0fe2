import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../functions/local/createLocalRuntime.ts';
import { startTestRuntime, TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { type ReceivedWebhook, TestReceiver } from '../../support/TestReceiver.ts';
import { isRowNamed, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';
import { randomInt, seededRandom } from '../chaos/seededRandom.ts';

// webhook-sequence at a real receiver under concurrent writers and two runtimes (two relays, two
// deliverers) on one database, then the catch-up feed that hands the same events out again.
const harness = useTestRuntime();
let second: LocalRuntime;
const receivers: TestReceiver[] = [];
const WRITERS = 6;
const TRANSACTIONS_PER_WRITER = 12;

beforeAll(async () => {
  second = await startTestRuntime(harness.database.url);
});
afterAll(async () => {
  await second?.stop();
  await Promise.all(receivers.map((r) => r.stop()));
});

interface Envelope {
  data: { id: number };
  transaction: { id: string; position: number; count: number };
}

const state = {} as {
  tenant: { id: string; apiKey: string };
  all: { id: string; secret: string };
  delivered: ReceivedWebhook[];
  distinct: number;
};

/** Writes transactions of 1-4 rows into seq_a and/or seq_b; a fifth of them roll back. */
async function writer(n: number, committed: { a: number; b: number }) {
  const random = seededRandom(1000 + n);
  const client = await harness.database.client();
  for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
    const base = n * 10_000 + t * 10;
    const rows = { a: randomInt(random, 0, 2), b: randomInt(random, 1, 2) };
    await client.query('begin');
    await client.query(`insert into seq_a select $1::int + g, $2 from generate_series(1, $3::int) g`, [
      base,
      state.tenant.id,
      rows.a,
    ]);
    await client.query(`insert into seq_b select $1::int + g, $2 from generate_series(1, $3::int) g`, [
      base,
      state.tenant.id,
      rows.b,
    ]);
    if (random() < 0.2) {
      await client.query('rollback');
    } else {
      await client.query('commit');
      committed.a += rows.a;
      committed.b += rows.b;
    }
  }
}

/** webhook-id -> the webhook-sequence values it arrived with; checks every signature on the way. */
function sequencesById(webhooks: readonly ReceivedWebhook[], secret: string) {
  const verifier = new Webhook(secret);
  const byId = new Map<string, Set<string>>();
  for (const w of webhooks) {
    verifier.verify(w.body, w.headers as Record<string, string>);
    const id = String(w.headers['webhook-id']);
    byId.set(id, (byId.get(id) ?? new Set()).add(String(w.headers['webhook-sequence'])));
  }
  return byId;
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('per-endpoint sequence numbers and the catch-up feed', () => {
  it('numbers each endpoint 1..N without gaps or duplicates under concurrent writers and two runtimes', async () => {
    const { db } = harness.database;
    state.tenant = await harness.api.createTenant('seq-feed');
    const [toAll, toB] = [await new TestReceiver().start(), await new TestReceiver().start()];
    receivers.push(toAll, toB);
    // One answer in ten is a 500 the first time: retries reorder arrivals, the numbers stay put.
    const failedOnce = new Set<string>();
    const flaky = (w: ReceivedWebhook, _i: number, res: import('node:http').ServerResponse) => {
      const id = String(w.headers['webhook-id']);
      // Never the marker: webhooksBeforeMarker needs it to arrive exactly once.
      const fail =
        !failedOnce.has(id) && Number.parseInt(id.slice(-2), 16) % 10 === 0 && !isRowNamed('marker')(w);
      if (fail) failedOnce.add(id);
      res.writeHead(fail ? 500 : 200).end();
    };
    toAll.respondWith(flaky);
    toB.respondWith(flaky);
    state.all = await harness.api.createEndpoint(state.tenant.apiKey, { url: toAll.url });
    const onlyB = await harness.api.createEndpoint(state.tenant.apiKey, {
      url: toB.url,
      eventTypes: ['seq_b.*'],
    });
    await db.query(
      `create table seq_a (id int primary key, tenant_id text not null, name text);
       create table seq_b (id int primary key, tenant_id text not null, name text);
       select rowhook.track_table('seq_a', 'tenant_id');
       select rowhook.track_table('seq_b', 'tenant_id');`,
    );

    const committed = { a: 0, b: 0 };
    await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n, committed)));
    await db.query(`insert into seq_b values (-1, $1, 'marker')`, [state.tenant.id]);
    const [atAll, atB] = await webhooksBeforeMarker(db, [toAll, toB], isRowNamed('marker'));
    const marker = (r: TestReceiver) => r.received.filter(isRowNamed('marker'));

    for (const [webhooks, secret, expected] of [
      [[...(atAll ?? []), ...marker(toAll)], state.all.secret, committed.a + committed.b + 1],
      [[...(atB ?? []), ...marker(toB)], onlyB.secret, committed.b + 1],
    ] as const) {
      const byId = sequencesById(webhooks, secret);
      expect(byId.size).toBe(expected);
      // A redelivery carries its first sequence number; no two events share one; none is skipped.
      for (const sequences of byId.values()) expect(sequences.size).toBe(1);
      const numbers = [...byId.values()].map((s) => Number([...s][0])).sort((x, y) => x - y);
      expect(numbers).toEqual(oneToN(expected));
    }
    // The retries happened (so arrival order was not sequence order for some).
    expect(toAll.received.length).toBeGreaterThan(committed.a + committed.b + 1);
    // Every committed transaction arrived whole: as many events per transaction id as its count.
    const perTransaction = new Map<string, { count: number; positions: number[] }>();
    for (const w of atAll ?? []) {
      const { transaction } = JSON.parse(w.body) as Envelope;
      const entry = perTransaction.get(transaction.id) ?? { count: transaction.count, positions: [] };
      if (!entry.positions.includes(transaction.position)) entry.positions.push(transaction.position);
      perTransaction.set(transaction.id, entry);
    }
    for (const { count, positions } of perTransaction.values())
      expect(positions.sort((x, y) => x - y)).toEqual(oneToN(count));

    state.delivered = [...(atAll ?? []), ...marker(toAll)];
    state.distinct = committed.a + committed.b + 1;
  }, 60_000);

  it('hands the delivered events out again by sequence, each verifiable with standardwebhooks', async () => {
    const { tenant, all, delivered, distinct } = state;
    const bodyById = new Map(delivered.map((w) => [String(w.headers['webhook-id']), w]));
    const verifier = new Webhook(all.secret);
    const items: { sequence: number; eventId: string; body: string; headers: Record<string, string> }[] = [];
    let after = 0;
    for (;;) {
      const page = await harness.api.call(
        'GET',
        `/v1/endpoints/${all.id}/events?after=${after}&limit=40`,
        tenant.apiKey,
      );
      expect(page.status).toBe(200);
      if (page.json.items.length === 0) {
        expect(page.json.nextAfter).toBe(after);
        break;
      }
      items.push(...page.json.items);
      after = page.json.nextAfter;
    }
    expect(items.map((i) => i.sequence)).toEqual(oneToN(distinct));
    for (const item of items) {
      verifier.verify(item.body, item.headers);
      const sent = bodyById.get(item.headers['webhook-id'] ?? '');
      expect(item.body).toBe(sent?.body);
      expect(item.headers['webhook-sequence']).toBe(String(item.sequence));
      expect(sent?.headers['webhook-sequence']).toBe(String(item.sequence));
      expect(item.eventId).toBe(item.headers['webhook-id']);
    }
    const window = await harness.api.call(
      'GET',
      `/v1/endpoints/${all.id}/events?after=2&limit=3`,
      tenant.apiKey,
    );
    expect(window.json.items.map((i: { sequence: number }) => i.sequence)).toEqual([3, 4, 5]);
    expect(window.json.nextAfter).toBe(5);

    // The delivery log shows the same number for each attempt.
    const attempts = await harness.api.call(
      'GET',
      `/v1/endpoints/${all.id}/deliveries?limit=5`,
      tenant.apiKey,
    );
    expect(attempts.json.items).toHaveLength(5);
    for (const attempt of attempts.json.items as { eventId: string; sequence: number }[]) {
      expect(String(attempt.sequence)).toBe(bodyById.get(attempt.eventId)?.headers['webhook-sequence']);
    }
  });

  it("never shows one tenant another tenant's feed", async () => {
    const other = await harness.api.createTenant('seq-feed-other');
    const path = `/v1/endpoints/${state.all.id}/events?after=0`;
    const asOther = await harness.api.call('GET', path, other.apiKey);
    expect(asOther.status).toBe(404);
    expect(JSON.stringify(asOther.json)).not.toContain('webhook-signature');
    expect((await harness.api.call('GET', path, TEST_ADMIN_TOKEN)).status).toBe(401);
    expect((await harness.api.call('GET', path, 'rh_not_a_key')).status).toBe(401);
    // The owner still reads it (the 404 above is about the caller, not the endpoint).
    expect((await harness.api.call('GET', path, state.tenant.apiKey)).json.items.length).toBeGreaterThan(0);
  });

  it.each([
    ['after=-1', 'after:'],
    ['after=1.5', 'after:'],
    ['after=abc', 'after:'],
    ['limit=0', 'limit:'],
    ['limit=251', 'limit:'],
    ['afer=3', 'afer'],
  ])('answers ?%s with 400 naming the parameter', async (query, named) => {
    const res = await harness.api.call(
      'GET',
      `/v1/endpoints/${state.all.id}/events?${query}`,
      state.tenant.apiKey,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_query');
    expect(res.json.error.message).toContain(named);
  });
});
