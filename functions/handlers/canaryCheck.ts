import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient } from '../adapters/aws/dynamo/createDocumentClient.ts';
import { readAdminToken } from '../adapters/aws/readAdminToken.ts';
import { DataApiCanaryDatabase } from '../smoke/adapters/DataApiCanaryDatabase.ts';
import { DynamoCanaryRecords } from '../smoke/adapters/DynamoCanaryRecords.ts';
import { HttpCanaryApi } from '../smoke/adapters/HttpCanaryApi.ts';
import { newRunId } from '../smoke/newRunId.ts';
import { CANARY_ENV, loadCanaryCheckEnv } from './canaryConfig.ts';
import { ENV } from './config.ts';
import { createCanaryCheckHandler } from './createCanaryCheckHandler.ts';
import { createObservability } from './observability.ts';
import { lazy } from './wiring/lazy.ts';

const { logger } = createObservability('rowhook-canary-check');

const wired = lazy(() => {
  const env = loadCanaryCheckEnv();
  const secrets = new SecretsManagerClient({});
  const database = new DataApiCanaryDatabase(new RDSDataClient({}), {
    resourceArn: env[ENV.dbClusterArn],
    secretArn: env[ENV.dbSecretArn],
    database: env[ENV.dbName],
  });
  const records = new DynamoCanaryRecords(createDocumentClient(), env[CANARY_ENV.canaryTableName]);
  return createCanaryCheckHandler({
    dependencies: async () => ({
      api: new HttpCanaryApi(
        env[CANARY_ENV.apiUrl],
        await readAdminToken(secrets, env[ENV.adminTokenSecretArn]),
      ),
      database,
      records,
      clock: { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    }),
    stack: `Rowhook-${env[ENV.stage]}`,
    receiverUrl: env[CANARY_ENV.receiverUrl],
    newRunId: () => newRunId(),
    logger,
  });
});

/** Runs on an EventBridge Scheduler rate when rowhook:canary=true. */
export const handler = () => wired()();
