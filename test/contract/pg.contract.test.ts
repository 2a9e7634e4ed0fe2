import { afterAll, beforeAll } from 'vitest';
import { PgDeadLetters } from '../../functions/adapters/pg/PgDeadLetters.ts';
import { PgDeliveryLog } from '../../functions/adapters/pg/PgDeliveryLog.ts';
import { PgDeliveryQueue } from '../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgOutboxSource } from '../../functions/adapters/pg/PgOutboxSource.ts';
import { PgSecretStore } from '../../functions/adapters/pg/PgSecretStore.ts';
import { PgSubscriptionStore } from '../../functions/adapters/pg/PgSubscriptionStore.ts';
import { SecretCipher } from '../../functions/core/crypto/SecretCipher.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { seedThroughPorts } from './contractSupport.ts';
import { deadLettersContract, deadLettersThroughQueue } from './DeadLettersContract.ts';
import { deadLetterViewsContract } from './DeadLetterViewsContract.ts';
import { deliveryLogContract } from './DeliveryLogContract.ts';
import { deliveryLogViewsContract } from './DeliveryLogViewsContract.ts';
import { deliveryQueueContract } from './DeliveryQueueContract.ts';
import { outboxContract } from './OutboxSourceContract.ts';
import { secretStoreContract } from './SecretStoreContract.ts';
import { subscriptionStoreContract } from './SubscriptionStoreContract.ts';

// One database for the file; every context starts from empty tables (the contracts require it).
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function pgAdapters() {
  const { db } = database;
  await db.query(
    `truncate rowhook.outbox, rowhook.deliveries, rowhook.attempts, rowhook.endpoint_secrets,
       rowhook.endpoints, rowhook.api_keys, rowhook.tenants, rowhook.delivery_lanes restart identity cascade`,
  );
  const subscriptions = new PgSubscriptionStore(db);
  const outbox = new PgOutboxSource(db);
  return {
    subscriptions,
    outbox,
    secrets: new PgSecretStore(db, { cipher: new SecretCipher(Buffer.alloc(32, 1)) }),
    // The contract drains up to 24 deliveries per endpoint at once: lift the per-endpoint cap
    // (fairness is the adapter's policy, tested in test/integration/fairness).
    queue: new PgDeliveryQueue(db, { endpointConcurrency: 100 }),
    log: new PgDeliveryLog(db),
    deadLetters: new PgDeadLetters(db),
    seed: seedThroughPorts({ subscriptions, outbox }),
  };
}

subscriptionStoreContract('PgSubscriptionStore', async () => {
  const { subscriptions } = await pgAdapters();
  return { store: subscriptions };
});

secretStoreContract(
  'PgSecretStore',
  async () => {
    const { secrets, seed } = await pgAdapters();
    return { secrets, seed };
  },
  { authSecrets: { unsupported: 'only API destinations use them, and the local runtime has none' } },
);

outboxContract('PgOutboxSource', async () => {
  const { outbox } = await pgAdapters();
  return { source: outbox, writer: outbox };
});

deliveryQueueContract('PgDeliveryQueue', async () => {
  const { queue, seed } = await pgAdapters();
  return { queue, seed };
});

deliveryLogContract('PgDeliveryLog', async () => {
  const { log, seed } = await pgAdapters();
  return { log, seed };
});

deliveryLogViewsContract('PgDeliveryLog', async () => {
  const { log, seed } = await pgAdapters();
  return { log, seed };
});

deadLettersContract(
  'PgDeadLetters',
  async () => {
    const { deadLetters, queue, seed } = await pgAdapters();
    return { deadLetters, ...deadLettersThroughQueue(queue, seed), leased: { queue, seed } };
  },
  { leases: true },
);

deadLetterViewsContract('PgDeadLetters', async () => {
  const { deadLetters, queue, seed } = await pgAdapters();
  return { deadLetters, ...deadLettersThroughQueue(queue, seed) };
});
