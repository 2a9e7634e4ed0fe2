import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { RdsDataOutboxSource } from '../../adapters/aws/RdsDataOutboxSource.ts';
import { arn, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

export const outboxSource = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataOutboxSource(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    database: env[ENV.dbName],
  });
});

/**
 * The API's outbox: the same adapter, with a tenant's own events (test events) appended as the
 * tenant role, so the outbox's row-level security checks them.
 */
export const tenantScopedOutbox = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbTenantSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataOutboxSource(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    tenantSecretArn: env[ENV.dbTenantSecretArn],
    database: env[ENV.dbName],
  });
});
