import { DynamoEndpointHealth } from '../../functions/adapters/aws/dynamo/DynamoEndpointHealth.ts';
import { DynamoOperationalEvents } from '../../functions/adapters/aws/dynamo/DynamoOperationalEvents.ts';
import { DynamoSubscriptionStore } from '../../functions/adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { useDynaliteTables } from '../support/dynalite.ts';
import { seedThroughPorts } from './contractSupport.ts';
import { endpointHealthContract } from './EndpointHealthContract.ts';
import { operationalEventsContract } from './OperationalEventsContract.ts';

const { freshTable } = useDynaliteTables('rowhook-health');

endpointHealthContract('DynamoEndpointHealth', async () => {
  const { client, tableName, cleanup } = await freshTable();
  const subscriptions = new DynamoSubscriptionStore({ client, tableName });
  return {
    health: new DynamoEndpointHealth({ client, tableName }),
    subscriptions,
    seed: seedThroughPorts({ subscriptions, outbox: { append: async () => '' } }),
    cleanup,
  };
});

operationalEventsContract('DynamoOperationalEvents', async () => {
  const { client, tableName, cleanup } = await freshTable();
  return { events: new DynamoOperationalEvents({ client, tableName }), cleanup };
});
