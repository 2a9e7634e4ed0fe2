import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDeliveryLog } from '../../functions/adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import type { EventTypeLookup } from '../../functions/adapters/aws/dynamo/EventTypeLookup.ts';
import { type Dynalite, startDynalite } from '../support/dynalite.ts';
import type { EventSeeder } from './contractSupport.ts';
import { deliveryLogContract } from './DeliveryLogContract.ts';
import { subscriptionStoreContract } from './SubscriptionStoreContract.ts';

// One dynalite for the file; every context gets a fresh, empty table (the contracts require it).
let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

async function freshTable() {
  const tableName = `rowhook-contract-${++tables}`;
  await dynamo.createTable(tableName);
  return { tableName, cleanup: () => dynamo.deleteTable(tableName) };
}

/**
 * On AWS the events live in Aurora's outbox, not in DynamoDB: this stands in for it, as the
 * seeder (writes events) and as the log's EventTypeLookup (reads their types).
 */
function inMemoryOutbox(): EventSeeder & EventTypeLookup {
  const types = new Map<string, string>();
  return {
    async event({ type }) {
      const id = randomUUID();
      types.set(id, type);
      return id;
    },
    async eventTypes(ids) {
      return new Map(ids.flatMap((id) => (types.has(id) ? [[id, types.get(id) as string] as const] : [])));
    },
  };
}

subscriptionStoreContract('DynamoSubscriptionStore', async () => {
  const { tableName, cleanup } = await freshTable();
  return { store: new DynamoSubscriptionStore({ client: dynamo.client, tableName }), cleanup };
});

deliveryLogContract('DynamoDeliveryLog', async () => {
  const { tableName, cleanup } = await freshTable();
  const outbox = inMemoryOutbox();
  const log = new DynamoDeliveryLog({
    client: dynamo.client,
    tableName,
    retentionMs: 30 * 24 * 3600_000,
    eventTypes: outbox,
  });
  return { log, seed: outbox, cleanup };
});
