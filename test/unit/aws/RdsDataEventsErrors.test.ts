import {
  DatabaseErrorException,
  ExecuteStatementCommand,
  RDSDataClient,
  StatementTimeoutException,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { AwsAdapterError } from '../../../functions/adapters/aws/errors.ts';
import { RdsDataEvents } from '../../../functions/adapters/aws/RdsDataEvents.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';

describe('RdsDataEvents errors from the Data API', () => {
  const rds = mockClient(RDSDataClient);
  const events = new RdsDataEvents(new RDSDataClient({ region: 'eu-west-1' }), RDS_DATA_TARGET);
  const request = { tenantId: 'acme', type: 'a.b', data: {}, idempotencyKey: null, orderingKey: null };

  it('cuts the SQLState suffix off a refusal and keeps the database message', async () => {
    rds.reset();
    rds.on(ExecuteStatementCommand).rejects(
      new DatabaseErrorException({
        $metadata: {},
        message:
          'ERROR: rowhook.publish: event_type "webhook.x" is reserved for Rowhook\'s own webhook.x events; choose another name\n  Where: PL/pgSQL function rowhook.publish_prepare; SQLState: 22023',
      }),
    );
    await expect(events.publish(request)).rejects.toMatchObject({
      code: 'invalid_event',
      message:
        'rowhook.publish: event_type "webhook.x" is reserved for Rowhook\'s own webhook.x events; choose another name',
    });
  });

  it('reports anything else as a retryable or permanent AWS error, not as bad input', async () => {
    rds.reset();
    rds
      .on(ExecuteStatementCommand)
      .rejects(new StatementTimeoutException({ $metadata: {}, message: 'statement timed out' }));
    const error = await events.list('acme').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsAdapterError);
    expect(error).toMatchObject({ retryable: true });
    expect(String((error as Error).message)).toMatch(/reading the event catalog through the RDS Data API/);
  });
});
