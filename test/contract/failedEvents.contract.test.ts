import type { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll } from 'vitest';
import { RdsDataFailedEvents } from '../../functions/adapters/aws/RdsDataFailedEvents.ts';
import { PgFailedEvents } from '../../functions/adapters/pg/PgFailedEvents.ts';
import { PgOutboxSource } from '../../functions/adapters/pg/PgOutboxSource.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { failedEventsContract } from './FailedEventsContract.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
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

/**
 * The Data API, played by the test database: named parameters become positional ones and rows come
 * back as `formattedRecords` JSON, as ExecuteStatement answers with formatRecordsAs JSON.
 */
function dataApiOverPostgres(): RDSDataClient {
  return {
    async send(command: ExecuteStatementCommand) {
      const { sql = '', parameters = [] } = command.input;
      const names: string[] = [];
      const positional = sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
        if (!names.includes(name)) names.push(name);
        return `$${names.indexOf(name) + 1}`;
      });
      const values = names.map((name) => {
        const value = parameters.find((p) => p.name === name)?.value;
        if (!value || value.isNull) return null;
        return value.stringValue ?? value.longValue ?? null;
      });
      const rows = await database.db.query(positional, values as string[]);
      return { formattedRecords: JSON.stringify(rows) };
    },
  } as unknown as RDSDataClient;
}

failedEventsContract('RdsDataFailedEvents', async () => ({
  failedEvents: new RdsDataFailedEvents(dataApiOverPostgres(), {
    resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:test',
    secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test',
    database: 'rowhook',
  }),
  outbox: await freshOutbox(),
}));
