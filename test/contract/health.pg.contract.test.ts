import { afterAll, beforeAll } from 'vitest';
import { PgEndpointHealth } from '../../functions/adapters/pg/PgEndpointHealth.ts';
import { PgOperationalEvents } from '../../functions/adapters/pg/PgOperationalEvents.ts';
import { PgSubscriptionStore } from '../../functions/adapters/pg/PgSubscriptionStore.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { seedThroughPorts } from './contractSupport.ts';
import { endpointHealthContract } from './EndpointHealthContract.ts';
import { operationalEventsContract } from './OperationalEventsContract.ts';

// The health and operational-event ports, in their own file so they run without the other contracts.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

endpointHealthContract('PgEndpointHealth', async () => {
  const subscriptions = new PgSubscriptionStore(database.db);
  return {
    health: new PgEndpointHealth(database.db),
    subscriptions,
    seed: seedThroughPorts({ subscriptions, outbox: { append: async () => '' } }),
  };
});

operationalEventsContract('PgOperationalEvents', async () => {
  await database.db.query('truncate rowhook.operational_events');
  return { events: new PgOperationalEvents(database.db) };
});
