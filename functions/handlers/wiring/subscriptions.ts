import { createDocumentClient } from '../../adapters/aws/dynamo/createDocumentClient.ts';
import { DynamoSubscriptionStore } from '../../adapters/aws/dynamo/DynamoSubscriptionStore.ts';
import { ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';

export const documentClient = lazy(() => createDocumentClient());

export const subscriptionStore = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required });
  return new DynamoSubscriptionStore({ client: documentClient(), tableName: env[ENV.tableName] });
});
