import { afterAll, beforeAll } from 'vitest';
import { RdsDataFailedEvents } from '../../functions/adapters/aws/RdsDataFailedEvents.ts';
import { PgFailedEvents } from '../../functions/adapters/pg/PgFailedEvents.ts';
import { PgOutboxSource } from '../../functions/adapters/pg/PgOutboxSource.ts';
import { type DataApiFake, dataApiOverPostgres } from '../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { RDS_DATA_TARGET } from './contractSupport.ts';
import { failedEventsContract } from './FailedEventsContract.ts';

let database: TestDatabase;
let dataApi: DataApiFake;

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
});

afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
});

async function freshOutbox() {
  await database.db.query('truncate rowhook.outbox');
  return new PgOutboxSource(database.db);
}

failedEventsContract('PgFailedEvents', async () => ({
  failedEvents: new PgFailedEvents(database.db),
  outbox: await freshOutbox(),
}));

failedEventsContract('RdsDataFailedEvents', async () => ({
  failedEvents: new RdsDataFailedEvents(dataApi.client, RDS_DATA_TARGET),
  outbox: await freshOutbox(),
}));
