import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { ApiDestinationManager } from '../adapters/aws/ApiDestinationManager.ts';
import { toAwsError } from '../adapters/aws/errors.ts';
import { arn, ENV, loadEnv, required } from './config.ts';
import { createSyncHandler } from './createSyncHandler.ts';
import { createObservability } from './observability.ts';
import { lazy } from './wiring/lazy.ts';
import { eventBridgeClient } from './wiring/publisher.ts';
import { secretsManagerClient } from './wiring/secrets.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';

export { createSyncHandler };

const { logger, metrics } = createObservability('rowhook-sync');

const wired = lazy(() => {
  const env = loadEnv({
    [ENV.stage]: required,
    [ENV.eventBusName]: required,
    [ENV.apiDestinationRoleArn]: arn,
    [ENV.dedicatedDlqArn]: arn,
  });
  return createSyncHandler({
    destinations: new ApiDestinationManager(eventBridgeClient(), {
      stage: env[ENV.stage],
      eventBusName: env[ENV.eventBusName],
      invokeRoleArn: env[ENV.apiDestinationRoleArn],
      deadLetterQueueArn: env[ENV.dedicatedDlqArn],
    }),
    subscriptions: subscriptionStore(),
    readCredentials: async (secretId) => {
      try {
        const response = await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: secretId }));
        return z.record(z.string(), z.string()).parse(JSON.parse(response.SecretString ?? '{}'));
      } catch (error) {
        throw toAwsError(error, `reading connection credentials ${secretId}`);
      }
    },
    // The subscription store has no field for this yet (see the report): logged until it does,
    // and the relay keeps such endpoints pooled meanwhile.
    markDedicated: async (tenantId, endpointId, apiDestinationArn, reason) => {
      logger.info('dedicated status', { tenantId, endpointId, apiDestinationArn, reason });
    },
    logger,
    metrics,
  });
});

/** DynamoDB stream (subscriptions table) → API destinations; ReportBatchItemFailures on the mapping. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => wired()(event);
