import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataApi } from '../../functions/adapters/aws/migrations/DataApi.ts';
import { ensureTenantRole } from '../../functions/adapters/aws/migrations/ensureTenantRole.ts';
import { RdsDataDeliverySequences } from '../../functions/adapters/aws/RdsDataDeliverySequences.ts';
import { RdsDataEventFeed } from '../../functions/adapters/aws/RdsDataEventFeed.ts';
import { RdsDataOutboxSource } from '../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { Database } from '../../functions/adapters/pg/Database.ts';
import { PgDeliveryQueue } from '../../functions/adapters/pg/PgDeliveryQueue.ts';
import { PgEventFeed } from '../../functions/adapters/pg/PgEventFeed.ts';
import { PgOutboxSource } from '../../functions/adapters/pg/PgOutboxSource.ts';
import { PgSubscriptionStore } from '../../functions/adapters/pg/PgSubscriptionStore.ts';
import { numberedPublisher } from '../../functions/pipeline/numberedPublisher.ts';
import { type DataApiFake, dataApiOverPostgres } from '../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { RDS_DATA_TARGET } from './contractSupport.ts';
import { eventFeedContract } from './EventFeedContract.ts';

// The local feed (deliveries numbered by PgDeliveryQueue) and the AWS one (numbers committed by the
// relay before PutEvents, read over the Data API as the tenant role, so row-level security and the
// grants of migrations/constants.ts are what keep it to the tenant).
const user = `rowhook_app_${randomBytes(4).toString('hex')}`;
const TENANT_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenant';
let database: TestDatabase;
let dataApi: DataApiFake;
let reader: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  reader = new Database({ connectionString: database.url });
  dataApi = dataApiOverPostgres(database.url, { roles: { [TENANT_SECRET]: user } });
  await ensureTenantRole(new DataApi(dataApi.client, RDS_DATA_TARGET), {
    username: user,
    password: randomBytes(24).toString('base64url'),
  });
});

afterAll(async () => {
  await dataApi?.close();
  await reader?.close();
  await database?.drop();
  const admin = await createTestDatabase({ migrate: false });
  await admin.db.query(`drop role if exists "${user}"`);
  await admin.drop();
});

eventFeedContract('PgEventFeed', async () => ({
  // A pool of its own, as the API's: the relay's transaction is not the reader's.
  feed: new PgEventFeed(reader),
  outbox: new PgOutboxSource(database.db),
  subscriptions: new PgSubscriptionStore(database.db),
  publisher: new PgDeliveryQueue(database.db),
}));

eventFeedContract('RdsDataEventFeed', async () => {
  const outbox = new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET);
  return {
    feed: new RdsDataEventFeed(dataApi.client, { ...RDS_DATA_TARGET, tenantSecretArn: TENANT_SECRET }),
    outbox,
    subscriptions: new PgSubscriptionStore(database.db),
    // What the bus would carry is not this test's concern: only what was numbered and committed.
    publisher: numberedPublisher(new RdsDataDeliverySequences(dataApi.client, RDS_DATA_TARGET), {
      enqueue: async (deliveries) => ({ enqueued: deliveries.length, rejected: [] }),
    }),
    cleanup: async () => expect(await dataApi.rollbackOpenTransactions()).toBe(0),
  };
});
