import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type DeliveryMessageSender,
  DynamoDeadLetters,
} from '../../adapters/aws/dynamo/DynamoDeadLetters.ts';
import { sendDeliveryMessage } from '../../adapters/aws/SqsDeliverySettler.ts';
import { ENV, integer, loadEnv, required, url } from '../config.ts';
import { lazy } from './lazy.ts';
import { documentClient } from './subscriptions.ts';

export const sqsClient = lazy(() => new SQSClient({}));

/** Redrives go to the delivery queue as attempt 1, due at once. */
export function sqsDeliverySender(client: SQSClient, deliveryQueueUrl: string): DeliveryMessageSender {
  return {
    send: (message) =>
      sendDeliveryMessage(client, deliveryQueueUrl, message, {
        doing: 'redriving a dead letter',
        attributes: { REDRIVEN: 'true' },
      }),
  };
}

/**
 * The write side, for the deliver Lambda: records exhausted deliveries; never sends (needs only
 * the table, and dynamodb:BatchWriteItem on it).
 */
export const failedDeliveryRecorder = lazy(() => {
  const env = loadEnv({ [ENV.tableName]: required });
  return new DynamoDeadLetters({ client: documentClient(), tableName: env[ENV.tableName] });
});

/** The operator side, for the API Lambda: lists, redrives (to the delivery queue) and discards. */
export const deadLetters = lazy(() => {
  const env = loadEnv({
    [ENV.tableName]: required,
    [ENV.deliveryQueueUrl]: url,
    [ENV.attemptRetentionDays]: integer(30, 1, 3650),
  });
  return new DynamoDeadLetters({
    client: documentClient(),
    tableName: env[ENV.tableName],
    sender: sqsDeliverySender(sqsClient(), env[ENV.deliveryQueueUrl]),
    // Resolved dead letters expire with the stack's retention, like attempts.
    resolvedRetentionMs: env[ENV.attemptRetentionDays] * 86_400_000,
  });
});
