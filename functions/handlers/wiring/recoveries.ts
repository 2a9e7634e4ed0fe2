import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { RdsDataRecoveries } from '../../adapters/aws/recovery/RdsDataRecoveries.ts';
import { EndpointMatcher } from '../../pipeline/EndpointMatcher.ts';
import { arn, ENV, loadEnv, required, url } from '../config.ts';
import { sqsClient } from './deadLetters.ts';
import { lazy } from './lazy.ts';
import { subscriptionStore } from './subscriptions.ts';

/**
 * Resend and recover on AWS: the API Lambda resends and creates jobs, the recover Lambda runs them;
 * both read the outbox (Aurora, Data API) and the endpoint (DynamoDB) and send to the delivery queue.
 */
export const recoveries = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbName]: required,
    [ENV.deliveryQueueUrl]: url,
  });
  return new RdsDataRecoveries({
    rdsData: new RDSDataClient({}),
    target: {
      resourceArn: env[ENV.dbClusterArn],
      secretArn: env[ENV.dbSecretArn],
      database: env[ENV.dbName],
    },
    sqs: sqsClient(),
    deliveryQueueUrl: env[ENV.deliveryQueueUrl],
    subscriptions: subscriptionStore(),
    matcher: new EndpointMatcher(),
  });
});
