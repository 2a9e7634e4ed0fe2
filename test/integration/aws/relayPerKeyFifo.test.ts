import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDeliveryMessage } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { EventBridgeDeliveryPublisher } from '../../../functions/adapters/aws/EventBridgeDeliveryPublisher.ts';
import { RdsDataOutboxSource } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { SqsFifoDeliveryPublisher } from '../../../functions/adapters/aws/SqsFifoDeliveryPublisher.ts';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { createRelayHandler } from '../../../functions/handlers/createRelayHandler.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { routeByOrdering } from '../../../functions/pipeline/routeByOrdering.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// The AWS relay as wired (wiring/relay.ts), on captured row changes in a real database through the
// Data API: a per-key endpoint's deliveries go to the FIFO queue, grouped by endpoint and row, each
// group in commit order across several relay batches; an unordered endpoint's go to the bus as
// before, and neither transport gets the other's.
let database: TestDatabase;
let dataApi: DataApiFake;
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-ordered.fifo';

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
  await database.db.query(
    `create table items (id int primary key, tenant_id text not null, v int);
     select rowhook.track_table('items', 'tenant_id');`,
  );
});
afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
});

const endpoint = (id: string, ordering: 'none' | 'per-key'): Endpoint => ({
  id,
  tenantId: 'acme',
  url: `https://example.com/${id}`,
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  ordering,
});

describe('AWS relay with a per-key endpoint', () => {
  it('sends its deliveries to the FIFO queue, one group per row in commit order; the rest to the bus', async () => {
    // Three rows, each inserted then updated 3 times, interleaved across transactions.
    await database.db.query(`insert into items values (1, 'acme', 0), (2, 'acme', 0), (3, 'acme', 0)`);
    for (let v = 1; v <= 3; v++) {
      for (const id of [2, 1, 3]) await database.db.query(`update items set v = ${v} where id = ${id}`);
    }
    const fifo: SendMessageBatchRequestEntry[][] = [];
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      fifo.push(input.Entries);
      return { Successful: input.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    });
    const bus: PutEventsRequestEntry[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      bus.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) };
    });
    const endpoints = [endpoint('ep_ordered', 'per-key'), endpoint('ep_plain', 'none')];
    const handler = createRelayHandler({
      relay: {
        outbox: new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET).withPerKeyOrder(),
        subscriptions: {
          listEnabledEndpoints: async () => endpoints,
          getEndpointsByIds: async (ids) => endpoints.filter((e) => ids.includes(e.id)),
        },
        queue: routeByOrdering({
          unordered: new EventBridgeDeliveryPublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
            eventBusName: 'rowhook-test',
          }),
          ordered: new SqsFifoDeliveryPublisher(new SQSClient({ region: 'eu-west-1' }), { queueUrl: QUEUE }),
        }),
        matcher: new EndpointMatcher(),
      },
      // Several batches, so the order has to hold across relay steps too.
      options: { batchSize: 5, maxEventBytes: 64 * 1024 },
      logger: { info: vi.fn(), warn: vi.fn(), error: vi.fn() },
      metrics: { addMetric: vi.fn(), publishStoredMetrics: vi.fn() },
    });
    const result = await handler({});
    expect(result).toMatchObject({ claimed: 12, enqueued: 24, rejected: 0 });

    const messages = fifo
      .flat()
      .map((e) => ({ group: e.MessageGroupId, message: parseDeliveryMessage(e.MessageBody ?? '') }));
    expect(messages).toHaveLength(12);
    expect(messages.every((m) => m.message.endpointId === 'ep_ordered')).toBe(true);
    const versions = new Map<string, number[]>();
    for (const { group, message } of messages) {
      const { data } = JSON.parse(message.body) as { data: { v: number } };
      versions.set(group ?? '', [...(versions.get(group ?? '') ?? []), data.v]);
    }
    expect(Object.fromEntries(versions)).toEqual({
      'ep_ordered:public.items:[1]': [0, 1, 2, 3],
      'ep_ordered:public.items:[2]': [0, 1, 2, 3],
      'ep_ordered:public.items:[3]': [0, 1, 2, 3],
    });
    const busEndpoints = bus.map((e) => (JSON.parse(e.Detail ?? '{}') as { endpointId: string }).endpointId);
    expect(busEndpoints).toHaveLength(12);
    expect(new Set(busEndpoints)).toEqual(new Set(['ep_plain']));
  });
});
