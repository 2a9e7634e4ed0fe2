import { afterAll, beforeAll } from 'vitest';
import { DynamoEndpointHealth } from '../../functions/adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { type Dynalite, startDynalite } from '../support/dynalite.ts';
import { seedThroughPorts } from './contractSupport.ts';
import { endpointHealthContract } from './EndpointHealthContract.ts';
import { operationalEventsContract } from './OperationalEventsContract.ts';

// One dynalite for the file; every context gets a fresh, empty table.
let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

async function freshTable() {
  const tableName = `rowhook-health-${++tables}`;
  await dynamo.createTable(tableName);
  return { tableName, cleanup: () => dynamo.deleteTable(tableName) };
}

endpointHealthContract('DynamoEndpointHealth', async () => {
  const { tableName, cleanup } = await freshTable();
  const subscriptions = new DynamoSubscriptionStore({ client: dynamo.client, tableName });
  return {
    health: new DynamoEndpointHealth({ client: dynamo.client, tableName }),
    subscriptions,
    seed: seedThroughPorts({ subscriptions, outbox: { append: async () => '' } }),
    cleanup,
  };
});

operationalEventsContract('DynamoOperationalEvents', async () => {
  const { tableName, cleanup } = await freshTable();
  return { events: new DynamoOperationalEvents({ client: dynamo.client, tableName }), cleanup };
});
