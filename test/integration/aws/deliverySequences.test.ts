import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { RdsDataDeliverySequences } from '../../../functions/adapters/aws/RdsDataDeliverySequences.ts';
import { RdsDataOutboxSource } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { PgOutboxSource } from '../../../functions/adapters/pg/PgOutboxSource.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { numberedPublisher } from '../../../functions/pipeline/numberedPublisher.ts';
import { relayOutbox } from '../../../functions/pipeline/relayOutbox.ts';
import type { DeliveryPublisher, NewDelivery } from '../../../functions/ports/DeliveryQueue.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// Numbering on AWS (migration 0021): the relay Lambda's path, over the Data API on a real
// PostgreSQL, so the counter locks, snapshots and rollbacks are PostgreSQL's own.
let database: TestDatabase;
let dataApi: DataApiFake;

const NOW = new Date('2026-01-01T00:00:00Z');
const endpoint = (id: string, tenantId = 'acme'): Endpoint => ({
  id,
  tenantId,
  url: `https://example.com/${id}`,
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: NOW,
  updatedAt: NOW,
});
const ENDPOINTS = [endpoint('ep_a'), endpoint('ep_b'), endpoint('ep_other', 'globex')];
// Endpoints come from DynamoDB on AWS; here only their matching matters.
const subscriptions = {
  listEnabledEndpoints: async (tenants: readonly string[]) =>
    ENDPOINTS.filter((e) => tenants.includes(e.tenantId)),
  getEndpointsByIds: async (ids: readonly string[]) => ENDPOINTS.filter((e) => ids.includes(e.id)),
};

/** A publisher that records what it was handed, as PutEvents would have sent it. */
function recording(fail?: () => Error) {
  const sent: NewDelivery[] = [];
  const publisher: DeliveryPublisher = {
    async enqueue(deliveries) {
      sent.push(...deliveries);
      if (fail) throw fail();
      return { enqueued: deliveries.length, rejected: [] };
    },
  };
  return { sent, publisher };
}

const sequences = () => new RdsDataDeliverySequences(dataApi.client, RDS_DATA_TARGET);

function relayWith(queue: DeliveryPublisher) {
  return relayOutbox(
    {
      outbox: new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET),
      subscriptions,
      queue: numberedPublisher(sequences(), queue),
      matcher: new EndpointMatcher(),
    },
    { batchSize: 100, maxEventBytes: 256 * 1024 },
  );
}

async function append(tenantId: string, n: number): Promise<string> {
  return new PgOutboxSource(database.db).append({
    tenantId,
    type: 'orders.insert',
    body: JSON.stringify({ n }),
    targetEndpointId: null,
  });
}

const numbersOf = (sent: readonly NewDelivery[], endpointId: string) =>
  sent.filter((d) => d.endpointId === endpointId).map((d) => [d.eventId, d.sequence]);

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
});

beforeEach(async () => {
  await database.db.query(
    'truncate rowhook.outbox, rowhook.delivery_sequences, rowhook.endpoint_sequences cascade',
  );
});

afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
});

describe('delivery sequences on AWS', () => {
  it("numbers each endpoint's deliveries 1, 2, 3 in event order, per endpoint and tenant", async () => {
    const ids = [await append('acme', 1), await append('globex', 2), await append('acme', 3)];
    const { sent, publisher } = recording();
    await relayWith(publisher);
    expect(numbersOf(sent, 'ep_a')).toEqual([
      [ids[0], 1],
      [ids[2], 2],
    ]);
    expect(numbersOf(sent, 'ep_b')).toEqual([
      [ids[0], 1],
      [ids[2], 2],
    ]);
    expect(numbersOf(sent, 'ep_other')).toEqual([[ids[1], 1]]);
    expect(await dataApi.rollbackOpenTransactions()).toBe(0);
  });

  it("purging an outbox row takes its numbers with it; the endpoint's counter keeps counting", async () => {
    const [old, kept] = [await append('acme', 1), await append('acme', 2)];
    const { publisher } = recording();
    await relayWith(publisher);
    await database.db.query('delete from rowhook.outbox where id = $1', [old]);
    const left = await database.db.query<{ event_id: string; endpoint_id: string; sequence: string }>(
      "select event_id::text, endpoint_id, sequence::text from rowhook.delivery_sequences where endpoint_id = 'ep_a'",
    );
    expect(left).toEqual([{ event_id: kept, endpoint_id: 'ep_a', sequence: '2' }]);
    const next = await append('acme', 3);
    const again = recording();
    await relayWith(again.publisher);
    expect(numbersOf(again.sent, 'ep_a')).toEqual([[next, 3]]);
  });

  it('a relay that dies after PutEvents and before its commit: the retry sends the same numbers, the next event the next one', async () => {
    const first = [await append('acme', 1), await append('acme', 2)];
    const crashed = recording(() => new Error('Lambda timed out after PutEvents'));
    await expect(relayWith(crashed.publisher)).rejects.toThrow(/timed out/);
    // The outbox claim rolled back: the events are unpublished and come round again.
    const unpublished = await database.db.query<{ count: string }>(
      'select count(*) from rowhook.outbox where published_at is null',
    );
    expect(unpublished).toEqual([{ count: '2' }]);

    const later = await append('acme', 3);
    const retry = recording();
    await relayWith(retry.publisher);
    expect(numbersOf(crashed.sent, 'ep_a')).toEqual([
      [first[0], 1],
      [first[1], 2],
    ]);
    expect(numbersOf(retry.sent, 'ep_a')).toEqual([
      [first[0], 1],
      [first[1], 2],
      [later, 3],
    ]);
    expect(await dataApi.rollbackOpenTransactions()).toBe(0);
  });

  it('PutEvents failing after the numbers committed: the next run publishes entries with the same numbers', async () => {
    const ids = [await append('acme', 1), await append('acme', 2)];
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    const bus = mockClient(client);
    let calls = 0;
    bus.on(PutEventsCommand).callsFake((input) => {
      // The first call is refused whole (not retryable), after the numbering committed.
      if (++calls === 1) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      return {
        FailedEntryCount: 0,
        Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })),
      };
    });
    const publisher = new EventBridgeDeliveryPublisher(client, {
      eventBusName: 'rowhook-test',
      sleep: async () => {},
    });
    await expect(relayWith(publisher)).rejects.toThrow(/denied/);
    await relayWith(publisher);
    const detailsOf = (call: number) =>
      (bus.commandCalls(PutEventsCommand)[call]?.args[0].input.Entries ?? [])
        .map((e) => parseDeliveryMessage(e.Detail ?? ''))
        .filter((m) => m.endpointId === 'ep_a')
        .map((m) => [m.eventId, m.sequence]);
    const expected = [
      [ids[0], 1],
      [ids[1], 2],
    ];
    expect(detailsOf(0)).toEqual(expected);
    expect(detailsOf(1)).toEqual(expected);
    expect(await dataApi.rollbackOpenTransactions()).toBe(0);
  });

  it('numbers commit in order: a second numbering waits for the first, reuses its pair and numbers after it', async () => {
    const [e0, e1, e2] = [await append('acme', 0), await append('acme', 1), await append('acme', 2)];
    // The endpoint's counter exists already, so what the second numbering waits on is its lock.
    await sequences().assign([{ eventId: e0, endpointId: 'ep_a', tenantId: 'acme' }]);
    // The next numbering, held open on a connection of its own (a relay between its statement and
    // the Data API's commit).
    const held = await database.client();
    await held.query('begin');
    const mine = await held.query(`select sequence from rowhook.assign_delivery_sequences($1::json)`, [
      JSON.stringify([{ event_id: e1, endpoint_id: 'ep_a', tenant_id: 'acme' }]),
    ]);
    expect(mine.rows).toEqual([{ sequence: '2' }]);

    const second = sequences().assign([
      { eventId: e1, endpointId: 'ep_a', tenantId: 'acme' },
      { eventId: e2, endpointId: 'ep_a', tenantId: 'acme' },
    ]);
    // Latch: the second numbering is blocked on the counter row (fails here if it did not wait).
    await expect
      .poll(
        async () =>
          (
            await database.db.query<{ n: string }>(
              `select count(*) as n from pg_stat_activity
                where wait_event_type = 'Lock' and query like '%assign_delivery_sequences%'`,
            )
          )[0]?.n,
        { timeout: 10_000 },
      )
      .toBe('1');
    // Meanwhile only number 1 is readable: 2 is not committed, and 3 is not assigned.
    expect(await database.db.query('select sequence from rowhook.delivery_sequences')).toEqual([
      { sequence: '1' },
    ]);

    await held.query('commit');
    const numbers = await second;
    expect([...numbers]).toEqual([
      [`${e1}/ep_a`, 2],
      [`${e2}/ep_a`, 3],
    ]);
  });

  it('a numbering rolled back gives its numbers back: the next one starts where the last commit ended', async () => {
    const [e1, e2] = [await append('acme', 1), await append('acme', 2)];
    const held = await database.client();
    await held.query('begin');
    await held.query(`select * from rowhook.assign_delivery_sequences($1::json)`, [
      JSON.stringify([{ event_id: e1, endpoint_id: 'ep_a', tenant_id: 'acme' }]),
    ]);
    await held.query('rollback');
    const numbers = await sequences().assign([{ eventId: e2, endpointId: 'ep_a', tenantId: 'acme' }]);
    expect([...numbers]).toEqual([[`${e2}/ep_a`, 1]]);
  });
});
