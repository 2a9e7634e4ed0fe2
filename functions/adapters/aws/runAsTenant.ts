import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';

/** A cluster and database, and the secret of the role tenant-scoped calls run as. */
export interface TenantScopedTarget {
  resourceArn: string;
  database: string;
  tenantSecretArn: string;
}

/**
 * Runs `work` in a Data API transaction as the tenant role with `rowhook.tenant_id` set for that
 * transaction only, so row-level security, not the query's own WHERE, is what keeps a tenant to its
 * rows. Transaction-local (`set_config(..., true)`): the Data API pools its connections, and a
 * session setting would follow the connection into another tenant's call.
 */
export async function runAsTenant<T>(
  client: RDSDataClient,
  target: TenantScopedTarget,
  tenantId: string,
  work: (scope: { transactionId: string; secretArn: string }) => Promise<T>,
): Promise<T> {
  const connection = {
    resourceArn: target.resourceArn,
    secretArn: target.tenantSecretArn,
    database: target.database,
  };
  const begun = await client.send(new BeginTransactionCommand(connection));
  const transactionId = begun.transactionId;
  if (!transactionId) throw new Error('the Data API began a transaction without an id');
  try {
    await client.send(
      new ExecuteStatementCommand({
        ...connection,
        transactionId,
        sql: "select set_config('rowhook.tenant_id', :tenantId, true)",
        parameters: [{ name: 'tenantId', value: { stringValue: tenantId } }],
      }),
    );
    const result = await work({ transactionId, secretArn: target.tenantSecretArn });
    await client.send(
      new CommitTransactionCommand({
        resourceArn: target.resourceArn,
        secretArn: target.tenantSecretArn,
        transactionId,
      }),
    );
    return result;
  } catch (error) {
    await client
      .send(
        new RollbackTransactionCommand({
          resourceArn: target.resourceArn,
          secretArn: target.tenantSecretArn,
          transactionId,
        }),
      )
      .catch(() => {});
    throw error;
  }
}
