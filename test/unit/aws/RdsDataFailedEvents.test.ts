import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RdsDataFailedEvents } from '../../../functions/adapters/aws/RdsDataFailedEvents.ts';

const client = new RDSDataClient({ region: 'eu-west-1' });
const rds = mockClient(client);
const target = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:rowhook-test',
  database: 'rowhook',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:master',
  tenantSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenant',
};
const page = { limit: 10, cursor: null };

beforeEach(() => {
  rds.reset();
  rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
  rds.on(CommitTransactionCommand).resolves({});
  rds.on(RollbackTransactionCommand).resolves({});
  rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[]' });
});

describe('RdsDataFailedEvents: who the Data API runs as', () => {
  it("runs a tenant's view as the tenant role, scoped by rowhook.tenant_id in one transaction", async () => {
    await new RdsDataFailedEvents(client, target).list({ tenantId: 't_1' }, page);

    expect(rds.commandCalls(BeginTransactionCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: target.resourceArn, secretArn: target.tenantSecretArn, database: 'rowhook' },
    ]);
    const statements = rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({
      secretArn: target.tenantSecretArn,
      transactionId: 'tx-1',
      sql: "select set_config('rowhook.tenant_id', :tenantId, true)",
      parameters: [{ name: 'tenantId', value: { stringValue: 't_1' } }],
    });
    expect(statements[1]).toMatchObject({ secretArn: target.tenantSecretArn, transactionId: 'tx-1' });
    expect(statements[1]?.sql).toContain('from rowhook.outbox');
    expect(rds.commandCalls(CommitTransactionCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: target.resourceArn, secretArn: target.tenantSecretArn, transactionId: 'tx-1' },
    ]);
  });

  it("runs the operators' view across tenants with the master secret and no transaction", async () => {
    await new RdsDataFailedEvents(client, target).list({}, page);
    expect(rds.commandCalls(BeginTransactionCommand)).toHaveLength(0);
    const statements = rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.secretArn).toBe(target.secretArn);
    expect(statements[0]?.transactionId).toBeUndefined();
  });

  it('rolls the tenant transaction back and reports a Data API failure as the adapter error', async () => {
    rds
      .on(ExecuteStatementCommand, { transactionId: 'tx-1', secretArn: target.tenantSecretArn })
      .resolvesOnce({})
      .rejects(new DatabaseErrorException({ message: 'ERROR: permission denied', $metadata: {} }));
    await expect(
      new RdsDataFailedEvents(client, target).list({ tenantId: 't_1' }, page),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/listing failed events through the RDS Data API.*permission denied/),
    });
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(1);
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
  });
});
