import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { Context } from 'aws-lambda';
import { RdsDataRetentionStore } from '../adapters/aws/RdsDataRetentionStore.ts';
import { arn, ENV, integer, loadEnv, required } from './config.ts';
import { createPurgeHandler } from './createPurgeHandler.ts';
import { createObservability } from './observability.ts';
import { lazy } from './wiring/lazy.ts';

const DAY_MS = 86_400_000;
const { logger, metrics } = createObservability('rowhook-purge');

const wired = lazy(() => {
  const env = loadEnv({
    [ENV.dbClusterArn]: arn,
    [ENV.dbSecretArn]: arn,
    [ENV.dbName]: required,
    // One retention for the stack: attempts' DynamoDB TTL and the outbox purge alike.
    [ENV.attemptRetentionDays]: integer(30, 1, 3650),
  });
  return createPurgeHandler({
    store: new RdsDataRetentionStore(new RDSDataClient({}), {
      resourceArn: env[ENV.dbClusterArn],
      secretArn: env[ENV.dbSecretArn],
      database: env[ENV.dbName],
    }),
    retentionMs: env[ENV.attemptRetentionDays] * DAY_MS,
    batchSize: 1_000,
    logger,
    metrics,
  });
});

/** Runs on an EventBridge Scheduler rate (infra/lib/constructs/RetentionPurge.ts). */
export const handler = (event: unknown, context: Context) => wired()(event, context);
