import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DynamoTenantErasure } from '../../adapters/aws/dynamo/DynamoTenantErasure.ts';
import { RdsDataDynamoTenantData } from '../../adapters/aws/RdsDataDynamoTenantData.ts';
import { arn, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';
import { documentClient } from './subscriptions.ts';

/** DELETE /v1/tenants/{id}/data on AWS: Aurora's outbox over the Data API, and the table's items. */
export const tenantData = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbName]: required,
    [ENV.tableName]: required,
  });
  return new RdsDataDynamoTenantData(
    new RDSDataClient({}),
    { resourceArn: env[ENV.dbClusterArn], secretArn: env[ENV.dbSecretArn], database: env[ENV.dbName] },
    new DynamoTenantErasure(documentClient(), env[ENV.tableName]),
  );
});
