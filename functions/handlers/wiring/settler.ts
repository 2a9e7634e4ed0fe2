import type { FailedDeliveryRecorder } from '../../adapters/aws/FailedDeliveryRecorder.ts';
import { SqsDeliverySettler } from '../../adapters/aws/SqsDeliverySettler.ts';
import { ENV, loadEnv, url } from '../config.ts';
import type { HandlerLogger } from '../observability.ts';
import { failedDeliveryRecorder, sqsClient } from './deadLetters.ts';
import { lazy } from './lazy.ts';

/**
 * Each failed delivery as a structured log line (without the body) that operators can query in
 * CloudWatch Logs Insights, next to the DynamoDB record the API lists.
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

/** Runs every recorder in turn; the first one that throws stops the rest (and fails the settle). */
export function allRecorders(...recorders: FailedDeliveryRecorder[]): FailedDeliveryRecorder {
  return {
    async recordFailed(failures) {
      for (const recorder of recorders) await recorder.recordFailed(failures);
    },
  };
}

/**
 * The deliver Lambda's settler. Exhausted deliveries are always recorded in DynamoDB as dead letters
 * (what the API's /v1/dead-letters lists and redrives), then handed to `alsoRecordWith` (the
 * handler passes `loggingRecorder`).
 */
export const deliverySettler = lazy(() => (alsoRecordWith?: FailedDeliveryRecorder) => {
  const env = loadEnv({ [ENV.deliveryQueueUrl]: url, [ENV.deadLetterQueueUrl]: url });
  const store = failedDeliveryRecorder();
  return new SqsDeliverySettler(sqsClient(), {
    deliveryQueueUrl: env[ENV.deliveryQueueUrl],
    deadLetterQueueUrl: env[ENV.deadLetterQueueUrl],
    recorder: alsoRecordWith ? allRecorders(store, alsoRecordWith) : store,
  });
});
