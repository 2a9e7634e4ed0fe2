import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdsDataRetentionStore } from '../../../functions/adapters/aws/RdsDataRetentionStore.ts';
import { createPurgeHandler, PURGED_METRIC } from '../../../functions/handlers/createPurgeHandler.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

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

const HOUR = 3_600_000;
const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

function handler(metrics: Array<[string, number]>) {
  return createPurgeHandler({
    store: new RdsDataRetentionStore(dataApi.client, {
      resourceArn: 'arn:c',
      secretArn: 'arn:s',
      database: 'd',
    }),
    retentionMs: HOUR,
    batchSize: 2,
    logger: quietLogger,
    metrics: {
      addMetric: (name, _unit, value) => metrics.push([name, value]),
      publishStoredMetrics: () => {},
    },
    // Two hours ahead: everything made now is past the one-hour retention.
    now: () => new Date(Date.now() + 2 * HOUR),
  });
}

const labels = async () =>
  (await database.db.query<{ label: string }>(`select body as label from rowhook.outbox order by 1`)).map(
    (r) => r.label,
  );

describe('the scheduled purge over the RDS Data API', () => {
  it('removes published outbox rows past the retention, keeps unpublished and failed ones, and reports a metric', async () => {
    await database.db.query(`insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at, publish_error)
      select rowhook.uuidv7(), 'aws', 'x.created', label, now(), published, error
        from (values ('published-1', now(), null), ('published-2', now(), null), ('published-3', now(), null),
                     ('unpublished', null, null), ('failed', now(), 'over the size limit'))
             as v(label, published, error)`);
    const metrics: Array<[string, number]> = [];
    // Time runs out at once: nothing is started, the next run does it.
    const stopped = await handler(metrics)({}, { getRemainingTimeInMillis: () => 1_000 });
    expect(stopped).toMatchObject({ events: 0, complete: false });
    expect(await labels()).toHaveLength(5);

    const totals = await handler(metrics)({}, { getRemainingTimeInMillis: () => 60_000 });
    expect(totals).toMatchObject({ events: 3, deliveries: 0, complete: true });
    expect(await labels()).toEqual(['failed', 'unpublished']);
    expect(metrics).toEqual([
      [PURGED_METRIC, 0],
      [PURGED_METRIC, 3],
    ]);
    expect(dataApi.openTransactions()).toBe(0);
  });
});
