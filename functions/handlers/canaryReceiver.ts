import { createDocumentClient } from '../adapters/aws/dynamo/createDocumentClient.ts';
import { DynamoCanaryRecords } from '../smoke/adapters/DynamoCanaryRecords.ts';
import { CANARY_ENV, loadCanaryReceiverEnv } from './canaryConfig.ts';
import { createCanaryReceiverHandler } from './createCanaryReceiverHandler.ts';
import { lazy } from './wiring/lazy.ts';

const wired = lazy(() => {
  const env = loadCanaryReceiverEnv();
  return createCanaryReceiverHandler({
    records: new DynamoCanaryRecords(createDocumentClient(), env[CANARY_ENV.canaryTableName]),
  });
});

/** The canary's webhook receiver, behind a Lambda Function URL (rowhook:canary=true). */
export const handler: ReturnType<typeof wired> = (event) => wired()(event);
