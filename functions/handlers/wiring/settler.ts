import { SQSClient } from '@aws-sdk/client-sqs';
import type { FailedDeliveryRecorder } from '../../adapters/aws/FailedDeliveryRecorder.ts';
import { SqsDeliverySettler } from '../../adapters/aws/SqsDeliverySettler.ts';
import { ENV, loadEnv, url } from '../config.ts';
import type { HandlerLogger } from '../observability.ts';
import { lazy } from './lazy.ts';

/**
 * Until the DynamoDB adapters can store failed deliveries (DeadLetters has no write side yet, see
 * the report), each one is logged as a structured line operators can query in CloudWatch Logs
 * Insights; the DLQ message itself keeps the body for redrive.
 */
export function loggingRecorder(logger: HandlerLogger): FailedDeliveryRecorder {
  return {
    async recordFailed(failures) {
      for (const failure of failures) {
        const { body: _body, ...rest } = failure;
        logger.error('delivery failed permanently', { failedDelivery: rest });
      }
    },
  };
}

export const deliverySettler = lazy(() => (recorder: FailedDeliveryRecorder) => {
  const env = loadEnv({ [ENV.deliveryQueueUrl]: url, [ENV.deadLetterQueueUrl]: url });
  return new SqsDeliverySettler(new SQSClient({}), {
    deliveryQueueUrl: env[ENV.deliveryQueueUrl],
    deadLetterQueueUrl: env[ENV.deadLetterQueueUrl],
    recorder,
  });
});
