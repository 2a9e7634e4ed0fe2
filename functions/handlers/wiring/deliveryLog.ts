import { DynamoDeliveryLog } from '../../adapters/aws/dynamo/DynamoDeliveryLog.ts';
import { ENV, integer, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';
import { documentClient } from './subscriptions.ts';

const DAY_MS = 86_400_000;

export const deliveryLog = lazy(() => {
  const env = loadEnv({
    [ENV.tableName]: required,
    [ENV.attemptRetentionDays]: integer(30, 1, 3650),
  });
  return new DynamoDeliveryLog({
    client: documentClient(),
    tableName: env[ENV.tableName],
    retentionMs: env[ENV.attemptRetentionDays] * DAY_MS,
  });
});
