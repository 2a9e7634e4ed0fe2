import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { RdsDataDeliverySequences } from '../../adapters/aws/RdsDataDeliverySequences.ts';
import { RdsDataEventFeed } from '../../adapters/aws/RdsDataEventFeed.ts';
import { arn, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

/** The relay's numbering (master secret: across tenants), committed before each publish. */
export const deliverySequences = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataDeliverySequences(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    database: env[ENV.dbName],
  });
});

/** The API's catch-up feed, read as the tenant role (row-level security on both tables it reads). */
export const eventFeed = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbTenantSecretArn]: arn,
    [ENV.dbName]: required,
  });
  return new RdsDataEventFeed(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    tenantSecretArn: env[ENV.dbTenantSecretArn],
    database: env[ENV.dbName],
  });
});
