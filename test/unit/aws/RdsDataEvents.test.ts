import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RdsDataEvents } from '../../../functions/adapters/aws/RdsDataEvents.ts';
import { EventRejectedError } from '../../../functions/core/catalog/errors.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

describe('RdsDataEvents over the Data API, played by a real PostgreSQL', () => {
  let database: TestDatabase;
  let dataApi: DataApiFake;
  let events: RdsDataEvents;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataApi = dataApiOverPostgres(database.url);
    events = new RdsDataEvents(dataApi.client, RDS_DATA_TARGET);
  });
  afterAll(async () => {
    await dataApi?.close();
    await database?.drop();
  });

  it('publishes through rowhook.publish: one outbox row, the same id for a repeated key', async () => {
    const request = {
      tenantId: 'acme',
      type: 'invoice.paid',
      data: { invoice: 'in_1' },
      idempotencyKey: 'k-1',
      orderingKey: 'customer-1',
    };
    const id = await events.publish(request);
    expect(await events.publish(request)).toBe(id);
    const rows = await database.db.query<{ id: string; ordering_key: string; body: string }>(
      `select id::text, ordering_key, body from rowhook.outbox where event_type = 'invoice.paid'`,
    );
    expect(rows).toEqual([
      { id, ordering_key: 'customer-1', body: expect.stringContaining('"data":{"invoice": "in_1"}') },
    ]);
  });

  it('registers schemas, lists the catalog and maps refusals to EventRejectedError', async () => {
    expect(await events.register('user.invited', { type: 'object', required: ['email'] })).toBe(1);
    await database.db.query(`create table parcels (id int primary key, tenant_id text not null)`);
    await database.db.query(`select rowhook.track_table('parcels', 'tenant_id')`);
    const catalog = await events.list(null);
    expect(catalog.map((t) => [t.type, t.source, t.version])).toEqual(
      expect.arrayContaining([
        ['user.invited', 'published', 1],
        ['parcels.created', 'table', 1],
        ['invoice.paid', 'published', null],
      ]),
    );
    expect((await events.versions('user.invited'))[0]).toMatchObject({ version: 1, source: 'published' });
    const mismatch = events.publish({
      tenantId: 'acme',
      type: 'user.invited',
      data: {},
      idempotencyKey: null,
      orderingKey: null,
    });
    await expect(mismatch).rejects.toBeInstanceOf(EventRejectedError);
    await expect(mismatch).rejects.toMatchObject({
      code: 'schema_mismatch',
      message:
        'rowhook.publish: data does not match the schema registered for "user.invited" (version 1): data.email: is required',
    });
    await expect(events.register('parcels.created', {})).rejects.toMatchObject({ code: 'invalid_event' });
  });
});
