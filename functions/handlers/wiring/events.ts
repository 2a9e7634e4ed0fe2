import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { RdsDataEvents } from '../../adapters/aws/RdsDataEvents.ts';
import { arn, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

/**
 * The API's publish (POST /v1/events) and event catalog, on Aurora over the Data API; a publish runs
 * as the tenant role, so the outbox's row-level security checks it.
 */
export const events = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbTenantSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataEvents(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    tenantSecretArn: env[ENV.dbTenantSecretArn],
    database: env[ENV.dbName],
  });
});
