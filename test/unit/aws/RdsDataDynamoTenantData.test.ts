import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryIdFor } from '../../../functions/adapters/aws/DeliveryMessage.ts';
import { DynamoDeadLetters } from '../../../functions/adapters/aws/dynamo/DynamoDeadLetters.ts';
import { DynamoTenantErasure } from '../../../functions/adapters/aws/dynamo/DynamoTenantErasure.ts';
import { RdsDataDynamoTenantData } from '../../../functions/adapters/aws/RdsDataDynamoTenantData.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { type Dynalite, startDynalite } from '../../support/dynalite.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

let database: TestDatabase;
let dataApi: DataApiFake;
let dynamo: Dynalite;
beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url);
  dynamo = await startDynalite('rowhook-aws-erasure');
});
afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
  await dynamo?.close();
});

describe('tenant erasure on AWS (Aurora over the Data API + DynamoDB)', () => {
  it("erases the tenant's outbox bodies and its dead-letter bodies, and counts both", async () => {
    const marker = 'MARKER-aws-9d2e';
    for (const tenant of ['aws-erase', 'aws-keep']) {
      await database.db.query(
        `insert into rowhook.outbox (id, tenant_id, event_type, body, occurred_at, published_at)
         values (rowhook.uuidv7(), $1, 'orders.created', $2, now(), now())`,
        [tenant, JSON.stringify({ type: 'orders.created', data: { note: `${tenant} ${marker}` } })],
      );
      const eventId = randomUUID();
      await new DynamoDeadLetters({ client: dynamo.client, tableName: dynamo.tableName }).recordFailed([
        {
          deliveryId: deliveryIdFor(eventId, 'ep_1'),
          tenantId: tenant,
          endpointId: 'ep_1',
          eventId,
          eventType: 'orders.created',
          body: JSON.stringify({ data: { note: `${tenant} ${marker}` } }),
          failedAt: new Date(),
          attempts: 1,
          lastStatus: 500,
          lastError: 'HTTP 500',
        },
      ]);
    }
    const tenantData = new RdsDataDynamoTenantData(
      dataApi.client,
      { resourceArn: 'arn:c', secretArn: 'arn:s', database: 'd' },
      new DynamoTenantErasure(dynamo.client, dynamo.tableName),
    );
    expect(await tenantData.erase('aws-erase')).toEqual({
      tenantId: 'aws-erase',
      events: 1,
      attempts: 0,
      deliveriesDiscarded: 0,
      deadLettersErased: 1,
    });
    const bodies = await database.db.query<{ tenant_id: string; body: string }>(
      'select tenant_id, body from rowhook.outbox order by tenant_id',
    );
    expect(bodies.map((b) => [b.tenant_id, b.body.includes(marker)])).toEqual([
      ['aws-erase', false],
      ['aws-keep', true],
    ]);
    const items = (await dynamo.client.send(new ScanCommand({ TableName: dynamo.tableName }))).Items ?? [];
    expect(items.map((i) => [i.tenantId, JSON.stringify(i).includes(marker)]).sort()).toEqual([
      ['aws-erase', false],
      ['aws-keep', true],
    ]);
    expect(dataApi.openTransactions()).toBe(0);
  });
});
