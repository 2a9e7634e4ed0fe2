import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { RdsDataFailedEvents } from '../../adapters/aws/RdsDataFailedEvents.ts';
import { arn, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

/**
 * The API's read of events the relay could not publish, from Aurora's outbox over the Data API: a
 * tenant's view as the tenant role (row-level security), the operators' across tenants.
 */
export const failedEvents = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbTenantSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataFailedEvents(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    tenantSecretArn: env[ENV.dbTenantSecretArn],
    database: env[ENV.dbName],
  });
});
