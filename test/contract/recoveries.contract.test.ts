import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll } from 'vitest';
import { parseDeliveryMessage } from '../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { RdsDataRecoveries } from '../../functions/adapters/aws/recovery/RdsDataRecoveries.ts';
import { PgDeliveryQueue } from '../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgOutboxSource } from '../../functions/adapters/pg/PgOutboxSource.ts';
import { PgRecoveries } from '../../functions/adapters/pg/PgRecoveries.ts';
import { PgSubscriptionStore } from '../../functions/adapters/pg/PgSubscriptionStore.ts';
import { EndpointMatcher } from '../../functions/pipeline/EndpointMatcher.ts';
import { relayOutbox } from '../../functions/pipeline/relayOutbox.ts';
import type { SubscriptionStore } from '../../functions/ports/SubscriptionStore.ts';
import { type DataApiFake, dataApiOverPostgres } from '../support/dataApiOverPostgres.ts';
import { type Dynalite, startDynalite } from '../support/dynalite.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { RDS_DATA_TARGET } from './contractSupport.ts';
import { type RecoveriesHarness, recoveriesContract } from './RecoveriesContract.ts';

const sqs = mockClient(SQSClient);
let local: TestDatabase;
let aurora: TestDatabase;
let dataApi: DataApiFake;
let dynamo: Dynalite;
let pgStore: PgSubscriptionStore;
let dynamoStore: DynamoSubscriptionStore;
let endpoints = 0;

beforeAll(async () => {
  [local, aurora, dynamo] = await Promise.all([
    createTestDatabase(),
    createTestDatabase(),
    startDynalite('rowhook-recover-contract'),
  ]);
  dataApi = dataApiOverPostgres(aurora.url);
  pgStore = new PgSubscriptionStore(local.db);
  dynamoStore = new DynamoSubscriptionStore({ client: dynamo.client, tableName: dynamo.tableName });
  for (const store of [pgStore, dynamoStore] as SubscriptionStore[]) {
    for (const id of ['acme', 'globex']) {
      await store.createTenant(
        { id, name: id, tier: 'pooled' },
        Buffer.from(`${id}-${endpoints++}`),
        `rk_${id}`,
      );
    }
  }
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
});
afterAll(async () => {
  await dataApi?.close();
  await Promise.all([local?.drop(), aurora?.drop(), dynamo?.close()]);
});

const newEndpoint = (store: SubscriptionStore) => async (tenantId: string, eventTypes: string[]) =>
  (
    await store.createEndpoint({
      id: `ep_contract${++endpoints}`,
      tenantId,
      url: 'https://receiver.example/hooks',
      description: '',
      eventTypes,
      filter: null,
      enabled: true,
    })
  ).id;

async function insertEvents(db: TestDatabase['db'], tenantId: string, types: string[], published: boolean) {
  const ids: string[] = [];
  for (const type of types) {
    const [row] = await db.query<{ id: string }>(
      `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
       values (rowhook.uuidv7(), $1, $2, $3, now(), case when $4 then now() end) returning id::text`,
      [tenantId, type, JSON.stringify({ type, data: {} }), published],
    );
    ids.push(row?.id ?? '');
  }
  return ids;
}

recoveriesContract('PgRecoveries', (): RecoveriesHarness => {
  const recoveries = new PgRecoveries(local.db);
  return {
    recoveries,
    endpoint: newEndpoint(pgStore),
    async delivered(tenantId, types) {
      const ids = await insertEvents(local.db, tenantId, types, false);
      // The local relay makes the delivery rows; then they are delivered (as a worker would leave them).
      await relayOutbox(
        {
          outbox: new PgOutboxSource(local.db),
          subscriptions: pgStore,
          queue: new PgDeliveryQueue(local.db),
          matcher: new EndpointMatcher(),
        },
        { batchSize: 100, maxEventBytes: 1_000_000 },
      );
      await local.db.query(
        `update rowhook.deliveries set state = 'delivered', finished_at = now() where event_id = any($1::uuid[])`,
        [ids],
      );
      return ids;
    },
    async resent(endpointId) {
      const rows = await local.db.query<{ event_id: string }>(
        `select event_id::text from rowhook.deliveries where endpoint_id = $1 and state = 'pending'
          order by next_attempt_at, sequence`,
        [endpointId],
      );
      return rows.map((r) => r.event_id);
    },
  };
});

recoveriesContract('RdsDataRecoveries', (): RecoveriesHarness => {
  const recoveries = new RdsDataRecoveries({
    rdsData: dataApi.client,
    target: RDS_DATA_TARGET,
    sqs: new SQSClient({ region: 'eu-west-1' }),
    deliveryQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/rowhook-test-deliveries',
    subscriptions: dynamoStore,
    matcher: new EndpointMatcher(),
  });
  return {
    recoveries,
    endpoint: newEndpoint(dynamoStore),
    // Published as the relay leaves them (the relay's own path is tested in its files).
    delivered: (tenantId, types) => insertEvents(aurora.db, tenantId, types, true),
    async resent(endpointId) {
      const bodies = [
        ...sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageBody ?? ''),
        ...sqs
          .commandCalls(SendMessageBatchCommand)
          .flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.MessageBody ?? '')),
      ];
      return bodies
        .map((body) => parseDeliveryMessage(body))
        .filter((m) => m.endpointId === endpointId)
        .map((m) => m.eventId);
    },
  };
});
