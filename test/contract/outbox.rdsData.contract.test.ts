import { afterAll, beforeAll, expect } from 'vitest';
import { RdsDataOutboxSource } from '../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { type DataApiFake, dataApiOverPostgres } from '../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { RDS_DATA_TARGET } from './contractSupport.ts';
import { outboxContract } from './OutboxSourceContract.ts';

// The relay Lambda's outbox: the same contract as PgOutboxSource, through the Data API's
// transaction ids, on a real database (so SKIP LOCKED and rollbacks are PostgreSQL's own).
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

outboxContract('RdsDataOutboxSource', async () => {
  await database.db.query('truncate rowhook.outbox');
  const outbox = new RdsDataOutboxSource(dataApi.client, RDS_DATA_TARGET);
  return {
    source: outbox,
    writer: outbox,
    // Every claim ends its Data API transaction, whatever publish did.
    cleanup: async () => expect(await dataApi.rollbackOpenTransactions()).toBe(0),
  };
});
