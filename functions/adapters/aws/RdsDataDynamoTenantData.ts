import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { TenantData, TenantErasure } from '../../ports/TenantData.ts';
import { RETENTION_SQL } from '../sql/retentionSql.ts';
import type { DynamoTenantErasure } from './dynamo/DynamoTenantErasure.ts';
import { toAwsError } from './errors.ts';

/**
 * Erasure on AWS: the outbox on Aurora (rowhook.erase_tenant_data over the Data API, the same
 * function as locally) and the DynamoDB items that hold payloads (attempts' response bodies, dead
 * letters' event bodies). SQS messages cannot be edited: a dead letter's copy in the dead-letter
 * queue stays until the queue's retention (14 days) drops it, as docs/deploy.md says.
 */
export class RdsDataDynamoTenantData implements TenantData {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: { resourceArn: string; secretArn: string; database: string },
    private readonly dynamo: DynamoTenantErasure,
  ) {}

  async erase(tenantId: string): Promise<TenantErasure> {
    let outbox: { events: number; deliveries_discarded: number };
    try {
      const response = await this.client.send(
        new ExecuteStatementCommand({
          ...this.target,
          sql: RETENTION_SQL.eraseTenant({ tenant: ':tenant' }),
          parameters: [{ name: 'tenant', value: { stringValue: tenantId } }],
          formatRecordsAs: 'JSON',
        }),
      );
      const rows = JSON.parse(response.formattedRecords ?? '[]') as (typeof outbox)[];
      outbox = rows[0] ?? { events: 0, deliveries_discarded: 0 };
    } catch (error) {
      throw toAwsError(error, "erasing a tenant's outbox payloads through the RDS Data API");
    }
    const items = await this.dynamo.erase(tenantId);
    return {
      tenantId,
      events: outbox.events,
      attempts: items.attempts,
      deliveriesDiscarded: outbox.deliveries_discarded,
      deadLettersErased: items.deadLetters,
    };
  }
}
