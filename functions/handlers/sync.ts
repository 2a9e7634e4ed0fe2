import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { ApiDestinationManager } from '../adapters/aws/ApiDestinationManager.ts';
import { arn, dedicatedDeliverySwitch, ENV, loadEnv, required } from './config.ts';
import { createSyncHandler } from './createSyncHandler.ts';
import { createObservability } from './observability.ts';
import { lazy } from './wiring/lazy.ts';
import { eventBridgeClient } from './wiring/publisher.ts';
import { secretStore } from './wiring/secrets.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';

export { createSyncHandler };

const { logger, metrics } = createObservability('rowhook-sync');

const wired = lazy(() => {
  const env = loadEnv({
    [ENV.stage]: required,
    [ENV.eventBusName]: required,
    [ENV.apiDestinationRoleArn]: arn,
    [ENV.dedicatedDlqArn]: arn,
    [ENV.dedicatedDelivery]: dedicatedDeliverySwitch,
  });
  return createSyncHandler({
    destinations: new ApiDestinationManager(eventBridgeClient(), {
      stage: env[ENV.stage],
      eventBusName: env[ENV.eventBusName],
      invokeRoleArn: env[ENV.apiDestinationRoleArn],
      deadLetterQueueArn: env[ENV.dedicatedDlqArn],
    }),
    // Outcomes land on the endpoint item (`dedicated`); the relay routes to the API destination
    // only while it is active.
    subscriptions: subscriptionStore(),
    // rowhook/<stage>/endpoint-auth/<id>, written by the API from `authSecret`.
    secrets: secretStore(),
    logger,
    metrics,
    dedicatedDelivery: env[ENV.dedicatedDelivery],
  });
});

/** DynamoDB stream (subscriptions table) → API destinations; ReportBatchItemFailures on the mapping. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => wired()(event);
